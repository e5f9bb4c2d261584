"""Run the ``zhili`` command in process (typer's CliRunner) with a given ZHILI_* environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhili.cli import app
from zhili.settings import get_settings


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def invoke(args: list[str], env: dict[str, str], cwd: Path) -> Outcome:
    """``zhili <args>`` with exactly ``env`` as its ZHILI_* settings (others in the environment are
    removed), from ``cwd`` (so that no stray .env file is read)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("ZHILI_")]:
            patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        patch.setenv("COLUMNS", "200")
        patch.chdir(cwd)
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(app, args)
        finally:
            get_settings.cache_clear()
    return Outcome(result.exit_code, result.stdout, result.stderr)
