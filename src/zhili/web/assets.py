"""Front-end assets come from the npm registry at install time and are served from /static/vendor.

``VENDORED`` maps each file served to where npm puts it; ``scripts/vendor_assets.py`` copies them.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
HTTP_OK = 200

VENDORED = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "echarts.min.js": "echarts/dist/echarts.min.js",
    "pico.min.css": "@picocss/pico/css/pico.min.css",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}


# -- content-hashed names -----------------------------------------------------------------------------
# Pages link ``/static/zhili.3fa2b1c49d.css``: the name changes whenever the content does, so the file
# can be cached for a year (immutable); an unhashed name is revalidated on every use.
HASH_CHARS = 10
HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_CHARS}}})(?P<ext>\.[A-Za-z0-9]+)$")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


@lru_cache(maxsize=256)
def _digest(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_CHARS]


def asset_url(name: str) -> str:
    """``zhili.css`` → ``/static/zhili.<hash>.css`` (the plain name if the file is missing)."""
    path = STATIC_DIR / name
    try:
        digest = _digest(path, path.stat().st_mtime_ns)
    except OSError:
        return f"/static/{name}"
    stem, dot, ext = name.rpartition(".")
    return f"/static/{stem}.{digest}.{ext}" if dot else f"/static/{name}.{digest}"


class HashedStaticFiles(StaticFiles):
    """Serves ``name.<hash>.ext`` as ``name.ext`` with a year-long immutable cache header."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        match = HASHED.match(path)
        if match is None:
            response = await super().get_response(path, scope)
            response.headers.setdefault("Cache-Control", REVALIDATE)
            return response
        response = await super().get_response(match["stem"] + match["ext"], scope)
        if response.status_code == HTTP_OK:
            response.headers["Cache-Control"] = IMMUTABLE
        return response
