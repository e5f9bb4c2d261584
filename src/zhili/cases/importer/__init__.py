"""Bulk import of historical cases from a legacy system (``zhili cases import``)."""
