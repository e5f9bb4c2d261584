"""The ``zhili`` command's groups and commands, imported only when used.

Importing every domain's commands took over 4 s before any command ran. The root group knows each
sub-command by the module that defines it and imports that module when the command is invoked, so
``zhili audit verify`` imports the audit domain, not the analytics store or the model. ``zhili --help``
lists each by the help written beside it (``Lazy``), and imports none.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Mapping
from typing import Any, ClassVar, NamedTuple

import typer
from typer import _click as click  # Typer 0.29 carries its own click; its groups are typed by it
from typer.core import TyperCommand, TyperGroup


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


class Lazy(NamedTuple):
    target: str  # module:attribute
    help: str  # the first paragraph of its help, as `zhili --help` lists it


class LazyGroup(TyperGroup):
    lazy: ClassVar[Mapping[str, Lazy]] = {}
    _listing = False  # while the group's own help is written

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.commands, *(name for name in self.lazy if name not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            entry = self.lazy[cmd_name]
            if self._listing:  # listed, not run: its written help is all the listing needs
                return TyperCommand(cmd_name, help=entry.help)
            self.commands[cmd_name] = load(cmd_name, entry.target)
        return self.commands.get(cmd_name)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def lazy_group(entries: Mapping[str, Lazy]) -> type[LazyGroup]:
    """A root group class whose sub-commands ``entries`` load on use."""
    return type("ZhiliGroup", (LazyGroup,), {"lazy": dict(entries)})
