"""Handling units (承办单位) and their jurisdictions."""
