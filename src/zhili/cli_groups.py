"""The ``zhili`` command's groups and commands, imported only when used.

Importing every domain's commands took over 4 s before any command ran. The root group knows each
sub-command by the module that defines it and imports that module when the command is invoked (or
when ``zhili --help`` lists them all), so ``zhili audit verify`` imports the audit domain, not the
analytics store or the model.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Mapping
from typing import Any, ClassVar

import typer
from typer import _click as click  # Typer 0.29 carries its own click; its groups are typed by it
from typer.core import TyperGroup


def load(name: str, target: str) -> click.Command:
    """``target`` is ``module:attribute``: a ``typer.Typer`` (a group) or a command function."""
    found: Any = pkgutil.resolve_name(target)
    if isinstance(found, typer.Typer):
        command: click.Command = typer.main.get_group(found)
    else:
        holder = typer.Typer()
        holder.command(name)(found)
        command = typer.main.get_command(holder)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    lazy: ClassVar[Mapping[str, str]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.commands, *(name for name in self.lazy if name not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.commands[cmd_name] = load(cmd_name, self.lazy[cmd_name])
        return self.commands.get(cmd_name)


def lazy_group(targets: Mapping[str, str]) -> type[LazyGroup]:
    """A root group class whose sub-commands ``targets`` (name → ``module:attribute``) load on use."""
    return type("ZhiliGroup", (LazyGroup,), {"lazy": dict(targets)})
