"""Petitioners' personal data: encrypted at rest, shown in full to the 信访 office only, masked for
the bodies a matter was sent to and for leaders, and every showing recorded in the audit log."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.kernel.crypto import PersonalDataCipher
from zhili.kernel.masking import mask_id_number, mask_name, mask_phone
from zhili.petitions.models import Petition
from zhili.petitions.policy import sees_full_petitioner
from zhili.petitions.schemas import PetitionerIn, PetitionerOut


def petitioner_key(petitioner: PetitionerIn, cipher: PersonalDataCipher) -> str | None:
    """The keyed digest that identifies a petitioner for repeat linking: the ID number, else the phone."""
    if petitioner.id_number:
        return cipher.digest(petitioner.id_number.upper(), purpose="id_number")
    return cipher.digest(petitioner.phone)


def seal(petition: Petition, petitioner: PetitionerIn, cipher: PersonalDataCipher) -> None:
    petition.name_enc = cipher.encrypt(petitioner.name)
    petition.phone_enc = cipher.encrypt(petitioner.phone)
    petition.id_number_enc = cipher.encrypt(petitioner.id_number.upper() if petitioner.id_number else None)
    petition.address_enc = cipher.encrypt(petitioner.address)
    petition.petitioner_digest = petitioner_key(petitioner, cipher)


def phone_of(petition: Petition, cipher: PersonalDataCipher) -> str | None:
    return cipher.decrypt(petition.phone_enc)


def petitioner_for(
    session: Session, actor: Actor, petition: Petition, matter_code: str, cipher: PersonalDataCipher
) -> PetitionerOut:
    """What ``actor`` may see of the petitioner; the read is audited (who, which matter, how shown)."""
    name = cipher.decrypt(petition.name_enc)
    phone = cipher.decrypt(petition.phone_enc)
    id_number = cipher.decrypt(petition.id_number_enc)
    address = cipher.decrypt(petition.address_enc)
    full = sees_full_petitioner(actor)
    audit.record(
        session,
        actor=actor.username,
        action="petitions.petitioner.read",
        target_type="petition",
        target_id=petition.code,
        detail={"matter": matter_code, "shown": "full" if full else "masked"},
    )
    if full:
        return PetitionerOut(name=name, phone=phone, id_number=id_number, address=address, shown="full")
    return PetitionerOut(
        name=mask_name(name),
        phone=mask_phone(phone),
        id_number=mask_id_number(id_number),
        address="（已隐藏）" if address else None,
        shown="masked",
    )
