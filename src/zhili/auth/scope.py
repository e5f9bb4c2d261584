"""The jurisdiction scope of an actor: the one place where "what may this actor read" is decided.

Division codes are prefix-hierarchical, so a scope is a set of codes and a row is readable when its
division code starts with one of them. Every repository that reads jurisdiction-bound data filters
through ``readable(actor).clause(...)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, false, or_, true
from sqlalchemy.orm import InstrumentedAttribute

from zhili.auth.models import ROLE_LABELS, Role


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    division_codes: frozenset[str] = field(default_factory=frozenset)
    unit_id: int | None = None

    def covers(self, division_code: str | None) -> bool:
        if self.everything:
            return True
        if not division_code:
            return False
        return any(division_code.startswith(code) for code in self.division_codes)

    def clause(
        self, code_column: InstrumentedAttribute[str] | InstrumentedAttribute[str | None]
    ) -> ColumnElement[bool]:
        """SQL filter: the row's division code lies inside the scope."""
        if self.everything:
            return true()
        if not self.division_codes:
            return false()
        return or_(*(code_column.startswith(code, autoescape=True) for code in sorted(self.division_codes)))


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


@dataclass(frozen=True)
class Actor:
    """Who is acting: a logged-in user, an API key's owner, or an anonymous citizen."""

    user_id: int | None
    username: str
    role: Role
    unit_id: int | None
    scope: Scope
    display_name: str = ""
    must_change_password: bool = False
    unit_code: str | None = None
    unit_name: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def name(self) -> str:
        """What pages call the user: the display name, or the user name."""
        return self.display_name or self.username


def readable(actor: Actor) -> Scope:
    """The jurisdiction scope every query of jurisdiction-bound data filters by."""
    return actor.scope


def citizen(name: str) -> Actor:
    """A citizen acting without an account (the portal, a 回访 link): named for the record only."""
    return Actor(user_id=None, username=name, role=Role.citizen, unit_id=None, scope=NOTHING)


ANONYMOUS = citizen("anonymous")
