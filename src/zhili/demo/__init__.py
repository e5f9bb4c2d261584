"""Synthetic Beijing demand for demonstrations and benchmarks (``zhili demo generate``)."""
