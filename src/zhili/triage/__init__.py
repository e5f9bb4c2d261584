"""Triage (分类与派单): demand classifiers, their training, measurement and stored versions.

Kept import-free on purpose: scikit-learn loads only when a classifier module is imported, so the
``zhili`` command and sibling modules (routing, duplicates) start fast.
"""
