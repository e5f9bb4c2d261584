"""DuckDB tries to import pandas at every query with parameters; zhili answers "not installed" at
once for optional modules that were missing when it started, and leaves every other import alone."""

from __future__ import annotations

import importlib
import importlib.machinery
import sys

import pytest

from zhili.analytics import engine


def test_a_module_missing_at_start_fails_at_once_and_others_import() -> None:
    name = "zhili_no_such_optional_module"
    engine.remember_missing((name,))  # a second finder is not added: the first already stands
    finders = [f for f in sys.meta_path if isinstance(f, engine._Missing)]
    assert len(finders) == 1
    finders[0].names |= {name}
    try:
        with pytest.raises(ModuleNotFoundError) as raised:
            importlib.import_module(name)
        assert raised.value.name == name
        assert importlib.import_module("json").dumps([1]) == "[1]"
    finally:
        finders[0].names -= {name}


def test_an_installed_module_is_never_recorded_as_missing() -> None:
    finder = next((f for f in sys.meta_path if isinstance(f, engine._Missing)), None)
    if finder is None:  # every optional module is installed here: nothing was recorded
        return
    # The finder stands first; behind it, the path finders find none of the modules it names.
    assert all(importlib.machinery.PathFinder.find_spec(n) is None for n in finder.names)
    assert "duckdb" not in finder.names and "pyarrow" not in finder.names
