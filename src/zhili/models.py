"""Imports every domain's models so that the metadata is complete for Alembic and tests."""

from zhili.audit import models as audit_models
from zhili.auth import models as auth_models
from zhili.db import Base
from zhili.divisions import models as division_models
from zhili.knowledge import models as knowledge_models
from zhili.requests import models as request_models
from zhili.taxonomy import models as taxonomy_models
from zhili.units import models as unit_models

metadata = Base.metadata

__all__ = [
    "audit_models",
    "auth_models",
    "division_models",
    "knowledge_models",
    "metadata",
    "request_models",
    "taxonomy_models",
    "unit_models",
]
