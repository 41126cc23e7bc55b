"""``minzheng validate FILE``: check a dataset without assessing it."""

from __future__ import annotations

import click

from minzheng.cli._common import (
    Exit,
    escape,
    installed,
    is_csv_dataset,
    lang_option,
    main,
    read_input,
    source_options,
    stdout,
)
from minzheng.cli._exits import FAILED
from minzheng.i18n import text
from minzheng.io.postgres import is_database, redact
from minzheng.io.stream import DatasetStream, OrderError
from minzheng.io.tables import Tables, read_tables


@main.command(help="cli.help.validate")
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@source_options
@lang_option
def validate(file: str, sources: tuple[str, str], lang: str) -> None:
    """Check a dataset file; report every problem, naming unit and field."""
    registry = installed()
    unordered = False
    if is_database(file):
        tables = read_input(file, registry, sources)
        assert isinstance(tables, Tables)
        units, facts = tables.units.height, tables.facts.height
    elif is_csv_dataset(file):
        stream = DatasetStream(file, registry.indicators)  # a national file, little memory
        try:
            units, facts = len(stream), stream.check()
        except OrderError:  # valid, but not in blocks by county: check it whole (any
            # order is fine for the engine, which reads by column)
            unordered = True
    if unordered or not (is_csv_dataset(file) or is_database(file)):
        tables = read_tables(file, registry.indicators)  # Parquet too
        units, facts = tables.units.height, tables.facts.height
    shown = redact(file) if is_database(file) else file
    stdout().print(escape(text("cli.validate.ok", lang, file=shown, units=units, facts=facts)))
    if registry.errors:  # the dataset is fine, but a pack it may need did not load
        raise Exit(FAILED)
