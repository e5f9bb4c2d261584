"""The text drawn in an uncompressed ReportLab PDF (``kernel.documents``), line by line: each string
shown, decoded through the ToUnicode map of the font subset it is set in."""

from __future__ import annotations

import re


def pdf_lines(pdf: bytes) -> list[str]:
    objects = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S)}
    maps: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        font = re.search(rb"/Name /(\S+) .*?/ToUnicode (\d+) 0 R", body, re.S)
        if font:
            cmap = objects[int(font.group(2))]
            maps[font.group(1)] = {
                int(src, 16): chr(int(dst, 16))
                for src, dst in re.findall(rb"<([0-9a-fA-F]+)> <([0-9a-fA-F]+)>", cmap)
            }
    lines: list[str] = []
    current: dict[int, str] = {}
    for font, shown in re.findall(rb"/(\S+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", pdf):
        if font:
            current = maps.get(font, {})
            continue
        lines.append("".join(current.get(code, chr(code)) for code in _codes(shown)))
    return lines


def _codes(raw: bytes) -> list[int]:
    out, i = [], 0
    while i < len(raw):
        if raw[i : i + 1] == b"\\" and raw[i + 1 : i + 4].isdigit():
            out.append(int(raw[i + 1 : i + 4], 8))
            i += 4
        elif raw[i : i + 1] == b"\\":
            out.append(raw[i + 1])
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return out
