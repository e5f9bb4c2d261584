"""The personal-data cipher for a request (names and phones of residents and volunteers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from zhili.kernel.crypto import PersonalDataCipher, cipher_for
from zhili.settings import Settings


async def request_cipher(request: Request) -> PersonalDataCipher:
    settings: Settings = request.app.state.settings
    return cipher_for(settings.data_key, settings.secret_key)


Cipher = Annotated[PersonalDataCipher, Depends(request_cipher)]
