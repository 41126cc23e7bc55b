"""What the commands share: the ``main`` group, options, consoles, the registry,
writing a file only when complete, and the exit status."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import attrs
import click

from minzheng import __version__
from minzheng.cli import settings
from minzheng.cli._i18n import LANG, Command, Context, Option, lang_of, say, usage_message
from minzheng.errors import MinzhengError
from minzheng.i18n import LANGS, text
from minzheng.io.dataset import Dataset, load_dataset
from minzheng.model import Status
from minzheng.packs.registry import Registry
from minzheng.report.render import TABLE_WIDTH, label
from minzheng.rules.scoring import load_score_table

if TYPE_CHECKING:
    from rich.console import Console

    from minzheng.engine import Engine
    from minzheng.io.tables import Tables
    from minzheng.rules import Rule

# rich (terminal tables, colour, progress) is imported where it is used: a run that
# writes JSON lines to a file never draws, and starts about 30 ms sooner without it.


F = TypeVar("F", bound=Callable[..., Any])


class Exit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def option(*names: str, **attrs: Any) -> Callable[[F], F]:
    """``click.option`` whose ``help`` is a catalogue id (see :mod:`._i18n`)."""
    return click.option(*names, cls=Option, **attrs)


def lang_option(func: F) -> F:
    """``--lang zh|en``: default ``$MINZHENG_LANG``, else the locale."""
    return option(
        "--lang",
        type=click.Choice(LANGS),
        default=lambda: LANG.get(),
        show_default=False,
        help="cli.opt.lang",
    )(func)


def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def stdout() -> Console:
    from rich.console import Console

    width = TABLE_WIDTH
    if sys.stdout.isatty():  # a narrower terminal: its width
        width = min(width, shutil.get_terminal_size((TABLE_WIDTH, 24)).columns)
    return Console(highlight=False, soft_wrap=False, width=width)


def file_console(out: IO[str]) -> Console:
    from rich.console import Console

    return Console(file=out, highlight=False, width=TABLE_WIDTH, color_system=None)


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
            err.print(
                f"[yellow]{say('word.warning_prefix')}:[/] {escape(error.render(LANG.get()))}"
            )
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
        raise click.BadParameter(
            say("cli.err.no_folder", folder=str(value.parent), name=value.name)
        )
    return value


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(say("cli.err.bad_date", value=value)) from None


#: ``-o FILE``: where to write instead of standard output.
output_option = option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
    callback=output_path, help="cli.opt.output",
)  # fmt: skip


class Group(Command, click.Group):
    """The ``minzheng`` group: every command in the user's language; a user's mistake
    is one message per problem and exit status 2, never a traceback."""

    command_class = Command
    context_class = Context

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        LANG.set(lang_of(argv))
        try:
            code = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            err = stderr()
            err.print(f"[red]{say('word.error_prefix')}:[/] {escape(usage_message(exc))}")
            ctx = getattr(exc, "ctx", None)  # a usage error knows its command
            if ctx is not None:
                err.print(escape(say("cli.try_help", command=ctx.command_path)))
            code = exc.exit_code
        except click.Abort:  # Ctrl-C
            code = 130
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MinzhengError as exc:
            err = stderr()
            for line in exc.render(LANG.get()).splitlines():
                err.print(f"[red]{say('word.error_prefix')}:[/] {escape(line)}")
            ctx.exit(2)
        except Exit as done:
            ctx.exit(done.code)


@click.group(
    cls=Group, help="cli.help.main", context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="minzheng", cls=Option, help="cli.opt.version")
@option(  # before a command as well as after it: ``minzheng --lang zh assess …``
    "--lang", type=click.Choice(LANGS), expose_value=False, is_eager=True, help="cli.opt.lang"
)
def main() -> None:
    """minzheng (民政): civil-affairs policy as code (the group of every command)."""


def applies_to(rule: Rule, lang: str) -> str:
    """The units a rule applies to: ``township``, ``facility, village (service_hall,
    urban_community), urban`` (Chinese: 乡镇; 机构、村居 (…)、城市). Types are the
    packs' ids."""
    sep = text("word.list_sep", lang)
    levels = sep.join(text(f"level.{lv.value}", lang) for lv in rule.levels)
    if rule.types:
        levels += f" ({', '.join(rule.types)})"
    if rule.area:
        levels += sep + text(f"area.{rule.area.value}", lang)
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
        option("--pack", "packs", multiple=True, metavar="PACK", help="cli.opt.pack"),
        option("--on", "on", callback=parse_date, metavar="DATE", help="cli.opt.on"),
        option("--what-if", is_flag=True, help="cli.opt.what_if"),
        option("--rule", "rule_ids", multiple=True, metavar="RULE", help="cli.opt.rule"),
        option(
            "--table", "table", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
            help="cli.opt.table",
        ),
        output_option,
    )  # fmt: skip
    for decorate in reversed(options):  # listed in --help in this order
        command = decorate(command)
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
        raise click.UsageError(
            say("cli.err.cannot_write", path=str(path), reason=exc.strerror)
        ) from None
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
