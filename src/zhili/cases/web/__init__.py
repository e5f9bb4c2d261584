"""The case workbenches and the citizen portal (Jinja2 + htmx pages)."""
