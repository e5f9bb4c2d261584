"""Alembic migrations, shipped inside the package so that an installed zhili can migrate itself."""
