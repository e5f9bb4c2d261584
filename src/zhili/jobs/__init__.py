"""Background jobs: one registry of plain job functions, run in-process by ``zhili serve``
(``ZHILI_JOBS=inline``) or from the PostgreSQL job queue by ``zhili worker`` (``ZHILI_JOBS=queue``).
docs/worker.md tells the whole story."""
