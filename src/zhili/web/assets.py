"""Front-end assets come from the npm registry at install time and are served from /static/vendor.

``VENDORED`` maps each file served to where npm puts it; ``scripts/vendor_assets.py`` copies them.
"""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"

VENDORED = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "echarts.min.js": "echarts/dist/echarts.min.js",
    "pico.min.css": "@picocss/pico/css/pico.min.css",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}
