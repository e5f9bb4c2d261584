"""The suggester's name and phone: encrypted at rest, shown in full to the reviewers only, masked for
departments and admins, every showing recorded in the audit log."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.kernel.crypto import PersonalDataCipher
from zhili.kernel.masking import mask_name, mask_phone
from zhili.suggestions.models import Suggestion
from zhili.suggestions.policy import sees_full_suggester
from zhili.suggestions.schemas import SuggesterOut


def seal(suggestion: Suggestion, name: str | None, phone: str | None, cipher: PersonalDataCipher) -> None:
    suggestion.name_enc = cipher.encrypt(name)
    suggestion.phone_enc = cipher.encrypt(phone)


def phone_of(suggestion: Suggestion, cipher: PersonalDataCipher) -> str | None:
    return cipher.decrypt(suggestion.phone_enc)


def suggester_for(
    session: Session, actor: Actor, suggestion: Suggestion, cipher: PersonalDataCipher
) -> SuggesterOut:
    """What ``actor`` may see of the suggester; the read is audited (who, which suggestion, how)."""
    full = sees_full_suggester(actor)
    audit.record(
        session,
        actor=actor.username,
        action="suggestions.suggester.read",
        target_type="suggestion",
        target_id=suggestion.code,
        detail={"shown": "full" if full else "masked"},
    )
    name = cipher.decrypt(suggestion.name_enc)
    phone = cipher.decrypt(suggestion.phone_enc)
    if full:
        return SuggesterOut(name=name, phone=phone, shown="full")
    return SuggesterOut(name=mask_name(name), phone=mask_phone(phone), shown="masked")
