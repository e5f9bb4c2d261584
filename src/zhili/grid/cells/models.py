"""Grid cells (H3) with their community, and the grid worker responsible for each cell.

The patrols and the registries build on these cells, so ``enum_column`` (how every grid table stores
an enum) lives here too.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin


def enum_column(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=24)


class AssignedBy(enum.StrEnum):
    generated = "generated"
    manual = "manual"


class GridCell(Base):
    """One H3 cell at the grid resolution, in a district, assigned to one community of it."""

    __tablename__ = "grid_cells"

    cell: Mapped[str] = mapped_column(String(16), primary_key=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("divisions.code", ondelete="RESTRICT"), index=True)
    community_code: Mapped[str | None] = mapped_column(
        ForeignKey("divisions.code", ondelete="RESTRICT"), index=True
    )
    assigned_by: Mapped[AssignedBy] = mapped_column(enum_column(AssignedBy))
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)


class GridWorkerCell(IdMixin, Base):
    """The grid worker responsible for a cell (one per cell; a worker has many)."""

    __tablename__ = "grid_worker_cells"

    cell: Mapped[str] = mapped_column(ForeignKey("grid_cells.cell", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[datetime]
