"""A citizen's place from the address they write: the community named in it, else its street.

The portal pages that hand a matter to the body of its place (申请调解, 网上信访) ask for an address,
never a division code: citizens know where they live, not its 12-digit code.
"""

from __future__ import annotations

from zhili.divisions.resolver import Resolver
from zhili.errors import ValidationFailed

TOO_VAGUE = "未能识别地址所在的街道（乡镇）或社区，请写明区、街道或小区名称，如：朝阳区望京西园三区"


def place_of_address(resolver: Resolver, address: str, field: str = "address") -> str:
    """The deepest division (community, else street) an address names; an address outside the city
    is an ``OutsideCity`` error and one naming no street a ``ValidationFailed``, both on ``field``."""
    location = resolver.locate(address=address)
    deepest = location.community or location.street
    if deepest is None:
        raise ValidationFailed(TOO_VAGUE, field=field)
    return deepest.code
