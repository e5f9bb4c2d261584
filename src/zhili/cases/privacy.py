"""Citizens' personal data on a case: encrypted at rest, revealed in full only to the roles that need
it (operator, dispatcher), masked for everyone else, and hidden from units when the case is 保密."""

from __future__ import annotations

from dataclasses import dataclass

from zhili.auth.scope import Actor
from zhili.cases.models import Case
from zhili.cases.policy import can_see_full_contact
from zhili.kernel.crypto import PersonalDataCipher
from zhili.kernel.masking import mask_id_number, mask_name, mask_phone


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    phone: str | None = None
    id_number: str | None = None


def seal(case: Case, contact: Contact, cipher: PersonalDataCipher) -> None:
    case.citizen_name_enc = cipher.encrypt(contact.name)
    case.citizen_phone_enc = cipher.encrypt(contact.phone)
    case.citizen_id_number_enc = cipher.encrypt(contact.id_number)
    case.citizen_phone_digest = cipher.digest(contact.phone)


def open_contact(case: Case, cipher: PersonalDataCipher) -> Contact:
    return Contact(
        name=cipher.decrypt(case.citizen_name_enc),
        phone=cipher.decrypt(case.citizen_phone_enc),
        id_number=cipher.decrypt(case.citizen_id_number_enc),
    )


def contact_for(actor: Actor, case: Case, cipher: PersonalDataCipher) -> tuple[Contact, str]:
    """What ``actor`` may see of the citizen, and how it was shown: full, masked or hidden."""
    if can_see_full_contact(actor):
        return open_contact(case, cipher), "full"
    if case.confidential:
        return Contact(), "hidden"
    contact = open_contact(case, cipher)
    return (
        Contact(
            name=mask_name(contact.name),
            phone=mask_phone(contact.phone),
            id_number=mask_id_number(contact.id_number),
        ),
        "masked",
    )
