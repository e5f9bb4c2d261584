"""What an Open311 submission carries beyond the case itself.

The case holds the demand; this row keeps the GeoReport fields the case has no column for: the
token, the submitted media URL and address id, the attribute answers, and the submitter's e-mail,
account and device ids. Those three identify a person, so they are stored only encrypted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin


class Open311Submission(IdMixin, Base):
    __tablename__ = "open311_submissions"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    submitted_by: Mapped[str] = mapped_column(String(64))  # the API key's owner
    service_code: Mapped[str] = mapped_column(String(16))
    address_id: Mapped[str | None] = mapped_column(String(64))
    media_url: Mapped[str | None] = mapped_column(String(500))
    attributes: Mapped[str] = mapped_column(Text, default="{}")  # JSON; never personal data
    email_enc: Mapped[str | None] = mapped_column(Text)
    account_id_enc: Mapped[str | None] = mapped_column(Text)
    device_id_enc: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime]
