"""``zhili cases``: the deadline sweep and bulk import of historical cases."""

from __future__ import annotations

import typer

from zhili.cases.importer.cli import import_command
from zhili.cases.sweep.cli import sweep_command

app = typer.Typer(help="诉求：时限巡检、历史数据导入 (cases)", no_args_is_help=True)
app.command("sweep")(sweep_command)
app.command("import")(import_command)
