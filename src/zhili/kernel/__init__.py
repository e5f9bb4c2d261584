"""Shared building blocks: time, ids, paging."""
