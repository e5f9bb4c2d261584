"""Imports every domain's models so that the metadata is complete for Alembic and tests."""

from zhili.analytics import models as analytics_models
from zhili.assessment import models as assessment_models
from zhili.audit import models as audit_models
from zhili.auth import models as auth_models
from zhili.cases import models as case_models
from zhili.community.halls import models as hall_models
from zhili.community.organisations import models as organisation_models
from zhili.community.profiles import models as profile_models
from zhili.community.volunteers import models as volunteer_models
from zhili.db import Base
from zhili.divisions import models as division_models
from zhili.grid.cells import models as grid_cell_models
from zhili.grid.patrols import models as grid_patrol_models
from zhili.grid.registry import models as grid_registry_models
from zhili.knowledge import models as knowledge_models
from zhili.mediation import models as mediation_models
from zhili.notifications import models as notification_models
from zhili.open311 import models as open311_models
from zhili.petitions import models as petition_models
from zhili.plan import models as plan_models
from zhili.suggestions import models as suggestion_models
from zhili.taxonomy import models as taxonomy_models
from zhili.triage import models as triage_models
from zhili.units import models as unit_models

metadata = Base.metadata

__all__ = [
    "analytics_models",
    "assessment_models",
    "audit_models",
    "auth_models",
    "case_models",
    "division_models",
    "grid_cell_models",
    "grid_patrol_models",
    "grid_registry_models",
    "hall_models",
    "knowledge_models",
    "mediation_models",
    "metadata",
    "notification_models",
    "open311_models",
    "organisation_models",
    "petition_models",
    "plan_models",
    "profile_models",
    "suggestion_models",
    "taxonomy_models",
    "triage_models",
    "unit_models",
    "volunteer_models",
]
