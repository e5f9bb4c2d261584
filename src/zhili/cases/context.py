"""What case services need besides the session: settings, the personal-data cipher and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from zhili.divisions.resolver import Resolver
from zhili.kernel.clock import utcnow
from zhili.kernel.crypto import PersonalDataCipher, cipher_for
from zhili.settings import Settings


@dataclass
class CaseContext:
    settings: Settings
    cipher: PersonalDataCipher
    resolver: Resolver | None = None
    clock: Callable[[], datetime] = field(default=utcnow)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> datetime:
        return self.clock()

    @classmethod
    def for_settings(cls, settings: Settings, resolver: Resolver | None = None) -> CaseContext:
        return cls(
            settings=settings, cipher=cipher_for(settings.data_key, settings.secret_key), resolver=resolver
        )
