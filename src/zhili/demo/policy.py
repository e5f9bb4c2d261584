"""The accounts the demo year's staff act as (``desk``): the district's 信访 office, the bodies and
the district government's staff, the 包案 leader, and the admin who keeps the mediation registry."""

from __future__ import annotations

from zhili.auth.models import Role

OFFICE = Role.petition_officer
STAFF = Role.unit_staff
LEADER_ROLE = Role.supervisor
ADMIN = Role.admin
