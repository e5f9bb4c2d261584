"""Shared web layer: templates, macros and locally served front-end assets."""
