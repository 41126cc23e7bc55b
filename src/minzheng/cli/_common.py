"""What the commands share: the ``main`` group, options, consoles, the registry,
writing a file only when complete, and the exit status."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import attrs
import click

from minzheng import __version__
from minzheng.cli import settings
from minzheng.errors import MinzhengError
from minzheng.io.dataset import Dataset, load_dataset
from minzheng.model import Status
from minzheng.packs.registry import Registry
from minzheng.report.render import (
    label,
)
from minzheng.rules.scoring import load_score_table

if TYPE_CHECKING:
    from rich.console import Console

    from minzheng.engine import Engine
    from minzheng.io.tables import Tables
    from minzheng.rules import Rule

# rich (terminal tables, colour, progress) is imported where it is used: a run that
# writes JSON lines to a file never draws, and starts about 30 ms sooner without it.


F = TypeVar("F", bound=Callable[..., Any])


LANG_ENV = "MINZHENG_LANG"


class Exit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default=lambda: os.environ.get(LANG_ENV, "en"),
        show_default="en, or $MINZHENG_LANG",
        help="Language of messages and labels.",
    )(func)


def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 200)


def file_console(out: IO[str]) -> Console:
    from rich.console import Console

    return Console(file=out, highlight=False)


def escape(text: str) -> str:
    """``text`` with rich's markup escaped, to print as it is."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def installed(*, warn: bool = True) -> Registry:
    """The installed packs (or :data:`minzheng.cli.settings.registry` when it is set); a
    plugin that failed to load is a warning on stderr."""
    registry = settings.registry or Registry.discover()
    if warn and registry.errors:
        err = stderr()
        for error in registry.errors:
            err.print(f"[yellow]warning:[/] {escape(str(error))}")
    return registry


def pack_options(table: Path | None) -> dict[str, object]:
    """The options handed to the packs: a scoring table given with ``--table``."""
    return {} if table is None else {"score_table": load_score_table(table)}


def is_csv_dataset(path: str) -> bool:
    """A CSV dataset: a folder (not one of Parquet files), or a facts file with
    ``units.csv`` beside it."""
    folder = Path(path).is_dir() and not (Path(path) / "facts.parquet").is_file()
    return folder or Path(path).suffix.lower() == ".csv"


def load(path: str, registry: Registry) -> Dataset:
    return load_dataset(path, registry.indicators)


def output_path(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """``-o FILE``: its folder must exist, checked before any work is done."""
    if value is not None and not value.absolute().parent.is_dir():
        raise click.BadParameter(f"no folder {str(value.parent)!r} to write {value.name!r} in")
    return value


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date such as 2018-12-31, found {value!r}") from None


class Group(click.Group):
    """Turns a user's mistake into one message per problem and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MinzhengError as exc:
            err = stderr()
            for line in str(exc).splitlines():
                err.print(f"[red]error:[/] {escape(line)}")
            ctx.exit(2)
        except Exit as done:
            ctx.exit(done.code)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="minzheng")
def main() -> None:
    """minzheng (民政): civil-affairs policy as code.

    Assess administrative units against the rule packs installed (Ji'an, Songming,
    Yancheng, …): compliance findings, derived targets and trajectories.
    """


def applies_to(rule: Rule, zh: bool) -> str:
    """The units a rule applies to: ``township``, ``facility, village (service_hall,
    urban_community), urban`` (``zh``: 乡镇; 机构、村居 (…)、城市). Types are the packs' ids."""
    levels = ("、" if zh else ", ").join(lv.zh if zh else lv.value for lv in rule.levels)
    if rule.types:
        levels += f" ({', '.join(rule.types)})"
    if rule.area:
        levels += f"{'、' if zh else ', '}{rule.area.zh if zh else rule.area.value}"
    return levels


@attrs.frozen
class Run:
    """The options ``assess`` and ``targets`` share (see :func:`assess_options`)."""

    packs: list[str] | None  #: ``--pack`` (``None``: every installed pack)
    on: date | None  #: ``--on``
    what_if: bool  #: ``--what-if``
    rules: list[str] | None  #: ``--rule`` (``None``: every rule)
    table: Path | None  #: ``--table``
    output: Path | None  #: ``-o``

    def engine(self, registry: Registry) -> Engine:
        """An engine over ``registry`` with the packs' options (a ``--table``)."""
        from minzheng.engine import Engine

        return Engine(registry, options=pack_options(self.table))


def assess_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options of :class:`Run`, handed to the command as one argument, ``run``."""

    @functools.wraps(func)
    def command(**kwargs: Any) -> Any:
        packs, rules = kwargs.pop("packs"), kwargs.pop("rule_ids")
        run = Run(
            packs=list(packs) or None,
            on=kwargs.pop("on"),
            what_if=kwargs.pop("what_if"),
            rules=list(rules) or None,
            table=kwargs.pop("table"),
            output=kwargs.pop("output"),
        )
        return func(run=run, **kwargs)

    options = (
        click.option(
            "--pack", "packs", multiple=True, metavar="PACK",
            help="Apply only this pack (repeatable). Default: every installed pack.",
        ),
        click.option(
            "--on", "on", callback=parse_date, metavar="DATE",
            help="Assessment date (default: the dataset's as_of, else the end of its latest period).",
        ),
        click.option(
            "--what-if", is_flag=True, help="Apply the packs to units outside their region too."
        ),
        click.option(
            "--rule", "rule_ids", multiple=True, metavar="RULE",
            help="Only this rule (repeatable). Default: every rule of the packs.",
        ),
        click.option(
            "--table", "table", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
            help="A scoring table (指标体系表) for the packs that score against one, e.g. the "
            "official Yancheng table; default: the table the pack ships.",
        ),
        click.option(
            "-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
            callback=output_path, help="Write to this file instead of standard output.",
        ),
    )  # fmt: skip
    for option in reversed(options):  # listed in --help in this order
        command = option(command)
    return command


def read_input(path: str, registry: Registry) -> Dataset | Tables:
    """A dataset to assess: a CSV or Parquet dataset by polars' readers (by column), any
    other file loaded whole."""
    from minzheng.io.tables import read_tables

    if is_csv_dataset(path) or path.lower().endswith(".parquet") or Path(path).is_dir():
        return read_tables(path, registry.indicators)
    return load(path, registry)


WRITE_BUFFER = 1 << 20  # bytes


@contextlib.contextmanager
def complete_file(path: Path | None) -> Iterator[IO[str]]:
    """Standard output, or a file that appears (replacing any old one) only when the
    whole run succeeds: a run stopped by bad input leaves no half-written file."""
    if path is None:
        yield sys.stdout
        return
    partial = path.with_name(f".{path.name}.partial")
    try:
        # big writes: a national run's 2.5 GiB of JSON lines in 8 KiB pieces would be
        # 330,000 system calls
        sink = partial.open("w", encoding="utf-8", buffering=WRITE_BUFFER)
    except OSError as exc:
        raise click.UsageError(f"cannot write {str(path)!r}: {exc.strerror}") from None
    try:
        with sink as out:
            yield out
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def summary_counts(by_status: Mapping[str, int], lang: str) -> str:
    """The summary line: findings by status, every status named."""
    return f"{label('summary', lang)}: " + ", ".join(
        f"{label(s.value, lang)} {by_status.get(s.value, 0)}" for s in Status
    )


def exit_status(
    by_status: Mapping[str, int], failures: int, fail_on: str, plugin_errors: bool
) -> int:
    """0, or 1 when something is not met (``--fail-on``), an error or a plugin failed."""
    if fail_on == "never":
        return 0
    if plugin_errors or by_status.get("error", 0):
        return 1
    if fail_on == "failure":
        return 1 if failures else 0
    return 1 if by_status.get("not_met", 0) else 0
