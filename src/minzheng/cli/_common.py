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
from minzheng.cli._exits import (
    BAD_INPUT,
    FAILED,
    debugging,
    interrupted,
    log_traceback,
    pipe_closed,
    signals_as_interrupts,
    traceback_text,
)
from minzheng.cli._i18n import LANG, Command, Context, Option, lang_of, say, usage_message
from minzheng.errors import MinzhengError
from minzheng.i18n import LANGS, text
from minzheng.io._atomic import final_path, replacing
from minzheng.io.dataset import Dataset, load_dataset
from minzheng.model import Status
from minzheng.packs.registry import Registry
from minzheng.report.render import TABLE_WIDTH, label, printable
from minzheng.rules.scoring import load_score_table

if TYPE_CHECKING:
    from rich.console import Console

    from minzheng.engine import Engine
    from minzheng.io.tables import Tables
    from minzheng.rules import Rule

# rich (terminal tables, colour, progress) is imported where it is used: a run that
# writes JSON lines to a file never draws, and starts about 30 ms sooner without it.


F = TypeVar("F", bound=Callable[..., Any])


class PipeClosed(Exception):
    """Standard output's reader went away (``| head``)."""


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
    """The console of standard output: :data:`TABLE_WIDTH` columns, or a narrower
    terminal's width; a reader that goes away ends the run with status 141 (rich alone
    would make it 1, the status of "not met")."""
    from rich.console import Console

    class Output(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    width = TABLE_WIDTH
    if sys.stdout.isatty():  # a narrower terminal: its width
        width = min(width, shutil.get_terminal_size((TABLE_WIDTH, 24)).columns)
    return Output(highlight=False, soft_wrap=False, width=width)


def file_console(out: IO[str]) -> Console:
    from rich.console import Console

    return Console(file=out, highlight=False, width=TABLE_WIDTH, color_system=None)


def escape(text: str) -> str:
    """``text`` to print as it is: rich's markup escaped, and characters that would act
    on the terminal (escape sequences, bells) written as escapes."""
    from rich.markup import escape as rich_escape

    return rich_escape(printable(text))


def installed(*, warn: bool = True) -> Registry:
    """The installed packs (or :data:`minzheng.cli.settings.registry` when it is set); a
    plugin that failed to load, and a conflict between packs, is a warning on stderr."""
    registry = settings.registry or Registry.discover()
    if warn and (registry.errors or registry.warnings):
        err = stderr()
        for error in [*registry.errors, *registry.warnings]:
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


def output_path(ctx: click.Context, param: click.Parameter, given: str | None) -> Path | str | None:
    """``-o FILE``: where the file really lands (a symbolic link is followed and its
    target replaced); its folder must exist and it must not be a folder, checked
    before any work is done. ``assess`` also takes a database table
    (``postgresql://…/DATABASE/TABLE``), returned as it is."""
    from minzheng.io.postgres import is_database, split_table

    if given is None:
        return None
    if is_database(given):
        if ctx.command.name != "assess":
            raise click.BadParameter(say("cli.err.database_output"))
        split_table(given)  # a table is named: checked before any work
        return given
    value = Path(given)
    target = final_path(value)
    if not target.parent.is_dir():
        raise click.BadParameter(
            say("cli.err.no_folder", folder=str(value.parent), name=value.name)
        )
    if target.is_dir():
        raise click.BadParameter(say("cli.err.output_is_folder", path=str(value)))
    if target.exists() and not target.is_file():  # /dev/full, a FIFO: never replaced
        raise click.BadParameter(say("cli.err.output_not_file", path=str(value)))
    return target


def not_an_input(output: Path | None, *inputs: str | Path | None) -> None:
    """Refuse ``-o`` naming a file the command reads (the dataset, one of a CSV or
    Parquet folder's files, the scoring table): it would be replaced by the output."""
    if output is None:
        return
    read: list[Path] = []
    for given in inputs:
        if given is not None:
            read += dataset_files(Path(given))
    for path in read:
        if final_path(path) == output or (
            output.exists() and path.exists() and os.path.samefile(path, output)
        ):
            raise click.BadParameter(
                say("cli.err.output_is_input", path=str(output)), param_hint="'-o' / '--output'"
            )


def dataset_files(path: Path) -> list[Path]:
    """The files read for a dataset given as ``path`` (itself, or a folder's tables)."""
    from minzheng.io.dataset import csv_paths
    from minzheng.io.tables import parquet_paths

    if path.is_dir():
        return [*csv_paths(path), *parquet_paths(path)]
    if path.suffix.lower() == ".csv":
        return list(csv_paths(path))
    if path.suffix.lower() == ".parquet":
        return [path, *parquet_paths(path)]
    return [path]


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(say("cli.err.bad_date", value=value)) from None


#: ``-o FILE``: where to write instead of standard output.
def format_option(*choices: str, help: str) -> Callable[[F], F]:
    """``--format``: one of ``choices`` (the first is the default), handed to the
    command as ``fmt``; ``help`` is a catalogue id."""
    return option(
        "--format", "fmt", type=click.Choice(list(choices)), default=choices[0],
        show_default=True, help=help,
    )  # fmt: skip


output_option = option(
    "-o", "--output", type=click.STRING, metavar="FILE", callback=output_path,
    help="cli.opt.output",
)  # fmt: skip


class Group(Command, click.Group):
    """The ``minzheng`` group: every command in the user's language; a user's mistake
    is one message per problem and exit status 2, never a traceback; an internal error
    one line and status 3; an interrupt 130 or 143 (see :mod:`._exits`)."""

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
        with signals_as_interrupts():
            code = self._run(argv, prog_name, complete_var, extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(
        self, argv: list[str], prog_name: str | None, complete_var: str | None, extra: Any
    ) -> int:
        """Run a command; its exit status, whatever happens."""
        try:
            code = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            err = stderr()
            err.print(f"[red]{say('word.error_prefix')}:[/] {escape(usage_message(exc))}")
            ctx = getattr(exc, "ctx", None)  # a usage error knows its command
            if ctx is not None:
                err.print(escape(say("cli.try_help", command=ctx.command_path)))
            return exc.exit_code
        except (click.Abort, KeyboardInterrupt):  # Ctrl-C, or SIGTERM
            return interrupted()
        except PipeClosed:
            return pipe_closed()
        except OSError as exc:  # a disk full, a folder not writable: the user can mend it
            where = f"{exc.filename}: " if exc.filename else ""
            stderr().print(
                f"[red]{say('word.error_prefix')}:[/] {escape(where + str(exc.strerror or exc))}"
            )
            return BAD_INPUT
        except BaseException as exc:  # a bug, or a pack's code failing outside its rules
            return _internal_error(exc, debugging(argv))
        return code if isinstance(code, int) else 0

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MinzhengError as exc:
            err = stderr()
            for line in exc.render(LANG.get()).splitlines():
                err.print(f"[red]{say('word.error_prefix')}:[/] {escape(line)}")
            ctx.exit(BAD_INPUT)
        except Exit as done:
            ctx.exit(done.code)
        except BrokenPipeError:  # past click, which would call it exit status 1
            raise PipeClosed from None


def _internal_error(exc: BaseException, debug: bool) -> int:
    """Say in one line that minzheng (or a pack) failed, where the traceback is, and
    how to see it; the full traceback on stderr with ``--debug``."""
    err = stderr()
    if debug:
        sys.stderr.write(traceback_text(exc))
    log = None if debug else log_traceback(exc)
    what = f"{type(exc).__name__}: {exc}"
    key = "cli.internal_error_log" if log else "cli.internal_error"
    err.print(f"[red]{say('word.error_prefix')}:[/] {escape(say(key, error=what, log=log or ''))}")
    return FAILED


@click.group(
    cls=Group, help="cli.help.main", context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="minzheng", cls=Option, help="cli.opt.version")
@option(  # read by Group.main before anything runs
    "--debug", is_flag=True, expose_value=False, is_eager=True, help="cli.opt.debug"
)
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
    output: Path | None  #: ``-o`` a file
    database: str | None = None  #: ``-o`` a database table (``postgresql://…/DB/TABLE``)

    def engine(self, registry: Registry) -> Engine:
        """An engine over ``registry`` with the packs' options (a ``--table``)."""
        from minzheng.engine import Engine

        return Engine(registry, options=pack_options(self.table))


def assess_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options of :class:`Run`, handed to the command as one argument, ``run``."""

    @functools.wraps(func)
    def command(**kwargs: Any) -> Any:
        packs, rules = kwargs.pop("packs"), kwargs.pop("rule_ids")
        output = kwargs.pop("output")
        run = Run(
            packs=list(packs) or None,
            on=kwargs.pop("on"),
            what_if=kwargs.pop("what_if"),
            rules=list(rules) or None,
            table=kwargs.pop("table"),
            output=output if isinstance(output, Path) else None,
            database=output if isinstance(output, str) else None,
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


def source_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--units`` and ``--facts``: a database source's tables or queries, handed to
    the command as one argument, ``sources`` (``("units", "facts")`` by default); no
    file takes them."""

    @functools.wraps(func)
    def command(**kwargs: Any) -> Any:
        from minzheng.io.postgres import is_database

        units, facts = kwargs.pop("units"), kwargs.pop("facts")
        if not is_database(kwargs["file"]) and (units is not None or facts is not None):
            given = "--units" if units is not None else "--facts"
            raise click.UsageError(say("cli.err.database_only", option=given))
        return func(sources=(units or "units", facts or "facts"), **kwargs)

    command = option("--facts", "facts", metavar="TABLE_OR_QUERY", help="cli.opt.facts")(command)
    return option("--units", "units", metavar="TABLE_OR_QUERY", help="cli.opt.units")(command)


def read_input(
    path: str, registry: Registry, sources: tuple[str, str] = ("units", "facts")
) -> Dataset | Tables:
    """A dataset to assess: a database's ``sources`` (the units' and the facts' table
    or query) and a CSV or Parquet dataset by polars' readers (by column), any other
    file loaded whole."""
    from minzheng.io.postgres import is_database, read_database
    from minzheng.io.tables import read_tables

    if is_database(path):
        units, facts = sources
        return read_database(path, registry.indicators, units=units, facts=facts)
    if is_csv_dataset(path) or path.lower().endswith(".parquet") or Path(path).is_dir():
        return read_tables(path, registry.indicators)
    return load(path, registry)


def input_fingerprint(path: str, data: Dataset | Tables | None = None) -> str:
    """The fingerprint of a run's input: the bytes of its files, or for a database the
    units and facts tables as read (``data``)."""
    from minzheng.engine.runs import fingerprint_files, fingerprint_frames
    from minzheng.io.postgres import is_database

    if is_database(path):
        assert data is not None
        assert not isinstance(data, Dataset)
        return fingerprint_frames([data.units, data.facts])
    files = {final_path(p) for p in dataset_files(Path(path))}
    return fingerprint_files(p for p in files if p.is_file())


WRITE_BUFFER = 1 << 20  # bytes


@contextlib.contextmanager
def complete_file(path: Path | None) -> Iterator[IO[str]]:
    """Standard output, or a file that appears (replacing any old one) only when the
    whole run succeeds: a run stopped by bad input, an error or an interrupt leaves no
    half-written file."""
    if path is None:
        yield sys.stdout
        return
    with replacing(path) as partial:
        try:
            # big writes: a national run's 2.5 GiB of JSON lines in 8 KiB pieces would
            # be 330,000 system calls
            sink = partial.open("w", encoding="utf-8", buffering=WRITE_BUFFER)
        except OSError as exc:
            raise click.UsageError(
                say("cli.err.cannot_write", path=str(path), reason=exc.strerror)
            ) from None
        with sink as out:
            yield out


def summary_counts(by_status: Mapping[str, int], lang: str) -> str:
    """The summary line: findings by status, every status named."""
    return f"{label('summary', lang)}: " + ", ".join(
        f"{label(s.value, lang)} {by_status.get(s.value, 0)}" for s in Status
    )


def exit_status(
    by_status: Mapping[str, int], failures: int, fail_on: str, plugin_errors: bool
) -> int:
    """0; 1 when something is not met (as ``--fail-on`` says); 3 when a plugin failed
    to load or a rule raised (``error`` findings), whatever ``--fail-on`` says."""
    if plugin_errors or by_status.get("error", 0):
        return FAILED
    if fail_on == "never":
        return 0
    if fail_on == "failure":
        return 1 if failures else 0
    return 1 if by_status.get("not_met", 0) else 0
