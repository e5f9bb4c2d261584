"""Precision and recall of the analytics scrubber on a labelled sample of invented demand texts.

    .venv/bin/python bench/scrubbing.py                  # the scrubber in this checkout
    .venv/bin/python bench/scrubbing.py --rev 6a88c74    # the scrubber of another commit, same sample
    .venv/bin/python bench/scrubbing.py --show           # also list every miss and false alarm
    .venv/bin/python bench/scrubbing.py --sample tests/analytics/scrub_holdout.txt

The sample is ``tests/analytics/scrub_sample.txt``: one message a line, personal data marked
⟦like this⟧, ``#`` lines name the section the following messages belong to. The marks are removed, the
text goes through ``scrub`` (with no known values: the citizen's own name and phone are masked by
exact match before any pattern runs, so the patterns are what is measured), and the output is aligned
with the input to find which characters were removed or replaced.

- **recall**: the share of marked spans of which no letter, digit or Chinese character survives
  (a name scrubbed to its first character is a miss);
- **precision**: the share of removed stretches of text that overlap a marked span (a stretch that
  touches no personal data is a false alarm); ``char precision`` is the same by characters.

``tests/analytics/test_scrub_quality.py`` holds the floors (recall ≥ 0.95, precision ≥ 0.9).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "analytics" / "scrub_sample.txt"
MARK = re.compile(r"⟦(.*?)⟧")

Scrubber = Callable[[str], str | None]


@dataclass
class Message:
    section: str
    text: str
    spans: list[tuple[int, int]]


def load_sample(path: Path = SAMPLE) -> list[Message]:
    return load_sample_text(path.read_text(encoding="utf-8"))


def load_sample_text(sample: str) -> list[Message]:
    messages: list[Message] = []
    section = ""
    for line in sample.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            section = line.lstrip("# ").strip()
            continue
        text, spans, at = "", [], 0
        for match in MARK.finditer(line):
            text += line[at : match.start()]
            spans.append((len(text), len(text) + len(match.group(1))))
            text += match.group(1)
            at = match.end()
        text += line[at:]
        messages.append(Message(section, text, spans))
    return messages


PLACEHOLDER = re.compile(r"\[[^\[\]]{1,4}\]")


def removed(text: str, output: str) -> list[bool]:
    """Which characters of ``text`` did not survive into ``output`` (removed or replaced).

    Placeholders such as [电话] or [门牌] become a character no text contains first, so that the 门 of
    [门牌] is never taken for the 门 of the address it replaced.
    """
    output = PLACEHOLDER.sub("\ue000", output)
    gone = [False] * len(text)
    for tag, i1, i2, _j1, _j2 in SequenceMatcher(None, text, output, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            for i in range(i1, i2):
                gone[i] = True
    return gone


def _stretches(gone: list[bool]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = None
    for i, flag in enumerate([*gone, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            out.append((start, i))
            start = None
    return out


@dataclass
class Score:
    spans: int = 0
    caught: int = 0
    stretches: int = 0
    true_stretches: int = 0
    removed_chars: int = 0
    true_chars: int = 0
    by_section: dict[str, list[int]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.spans if self.spans else 1.0

    @property
    def precision(self) -> float:
        return self.true_stretches / self.stretches if self.stretches else 1.0

    @property
    def char_precision(self) -> float:
        return self.true_chars / self.removed_chars if self.removed_chars else 1.0


def evaluate(scrub: Scrubber, messages: list[Message]) -> Score:
    score = Score()
    for message in messages:
        text = message.text
        output = scrub(text) or ""
        gone = removed(text, output)
        inside = [False] * len(text)
        for start, end in message.spans:
            for i in range(start, end):
                inside[i] = True
        section = score.by_section.setdefault(message.section, [0, 0])
        for start, end in message.spans:
            caught = all(gone[i] for i in range(start, end) if text[i].isalnum())
            score.spans += 1
            score.caught += caught
            section[0] += 1
            section[1] += caught
            if not caught:
                score.misses.append(f"{text[start:end]}  ←  {text}  →  {output}")
        for start, end in _stretches(gone):
            score.stretches += 1
            if any(inside[start:end]):
                score.true_stretches += 1
            else:
                score.false_alarms.append(f"{text[start:end]}  ←  {text}  →  {output}")
        for i, flag in enumerate(gone):
            if flag and text[i].isalnum():
                score.removed_chars += 1
                score.true_chars += inside[i]
    return score


def scrubber_at(rev: str) -> Scrubber:
    """``scrub`` from ``src/zhili/analytics/text.py`` as it was at a git revision."""
    source = subprocess.run(
        ["git", "show", f"{rev}:src/zhili/analytics/text.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType(f"scrub_at_{rev}")
    exec(compile(source, f"{rev}:text.py", "exec"), module.__dict__)  # our own history
    function: Scrubber = module.scrub
    return function


def current_scrubber() -> Scrubber:
    from zhili.analytics.text import scrub

    return scrub


def report(score: Score, label: str, *, show: bool = False) -> None:
    print(f"{label}:")
    print(f"  recall          {score.recall:.3f}  ({score.caught}/{score.spans} spans scrubbed)")
    print(
        f"  precision       {score.precision:.3f}  "
        f"({score.true_stretches}/{score.stretches} removed stretches)"
    )
    print(
        f"  char precision  {score.char_precision:.3f}  ({score.true_chars}/{score.removed_chars} characters)"
    )
    for section, (spans, caught) in score.by_section.items():
        if spans:
            print(f"    {section:<40} recall {caught / spans:.2f} ({caught}/{spans})")
    if show:
        for line in score.misses:
            print("  miss        ", line)
        for line in score.false_alarms:
            print("  false alarm ", line)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rev", help="measure the scrubber of this git revision instead of this checkout")
    parser.add_argument("--show", action="store_true", help="list every miss and false alarm")
    parser.add_argument(
        "--sample", type=Path, default=SAMPLE, help="a labelled sample (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    messages = load_sample(args.sample)
    scrub = scrubber_at(args.rev) if args.rev else current_scrubber()
    print(
        f"sample: {len(messages)} messages, {sum(1 for m in messages if not m.spans)} without personal data"
    )
    report(evaluate(scrub, messages), args.rev or "this checkout", show=args.show)


if __name__ == "__main__":
    main()
