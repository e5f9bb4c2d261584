"""Case lists that do not grow with the table: keyset pages, a capped count, indexed text search.

See docs/performance.md for the design and the measurements.
"""
