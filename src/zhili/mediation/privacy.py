"""Parties' personal data: encrypted at rest, shown in full to the staff who mediate, masked for
supervisors and admins, every showing recorded in the audit log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.kernel.crypto import PersonalDataCipher
from zhili.kernel.masking import mask_id_number, mask_name, mask_phone
from zhili.mediation.models import DisputeParty
from zhili.mediation.policy import sees_full_parties
from zhili.mediation.schemas import DisputePartyOut, PartyIn


def seal(party: DisputeParty, given: PartyIn, cipher: PersonalDataCipher) -> None:
    party.name_enc = cipher.encrypt(given.name)
    party.phone_enc = cipher.encrypt(given.phone)
    party.id_number_enc = cipher.encrypt(given.id_number.upper() if given.id_number else None)
    party.address_enc = cipher.encrypt(given.address)


def parties_for(
    session: Session,
    actor: Actor,
    parties: Sequence[DisputeParty],
    dispute_code: str,
    cipher: PersonalDataCipher,
    *,
    purpose: str = "read",
) -> list[DisputePartyOut]:
    """What ``actor`` may see of the parties; the read is audited (who, which dispute, how shown)."""
    full = sees_full_parties(actor)
    audit.record(
        session,
        actor=actor.username,
        action=f"mediation.parties.{purpose}",
        target_type="dispute",
        target_id=dispute_code,
        detail={"shown": "full" if full else "masked"},
    )
    out = []
    for party in parties:
        name = cipher.decrypt(party.name_enc)
        phone = cipher.decrypt(party.phone_enc)
        id_number = cipher.decrypt(party.id_number_enc)
        address = cipher.decrypt(party.address_enc)
        if full:
            shown = DisputePartyOut(
                position=party.position,
                role=party.role,
                name=name,
                phone=phone,
                id_number=id_number,
                address=address,
                shown="full",
            )
        else:
            shown = DisputePartyOut(
                position=party.position,
                role=party.role,
                name=mask_name(name),
                phone=mask_phone(phone),
                id_number=mask_id_number(id_number),
                address="（已隐藏）" if address else None,
                shown="masked",
            )
        out.append(shown)
    return out
