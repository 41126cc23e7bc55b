"""The ``minzheng`` command line.

Exit status, like a linter: 0 when everything assessed is met, 1 when something is not
met (or a rule or plugin failed), 2 for bad input or usage. A user's mistake is
reported in one message per problem, naming the file, the unit and the field — never
with a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from minzheng import __version__
from minzheng.engine import Engine, resolve_date
from minzheng.errors import MinzhengError
from minzheng.io.dataset import Dataset, load_dataset
from minzheng.io.stream import DatasetStream, OrderError
from minzheng.io.tables import dataset_from_tables, read_tables
from minzheng.model import Report, Severity, Status, TargetValue, measure_zh
from minzheng.model.values import format_decimal, format_quantity
from minzheng.packs.registry import Registry
from minzheng.report.render import (
    label,
    report_to_json,
    report_to_markdown,
    report_to_table,
    targets_to_json,
    write_targets_jsonl,
)
from minzheng.rules.scoring import load_score_table
from minzheng.scaffold.newpack import new_pack
from minzheng.scaffold.template import template_yaml

if TYPE_CHECKING:
    from rich.console import Console

    from minzheng.rules import Rule

# rich (terminal tables, colour, progress) is imported where it is used: a run that
# writes JSON lines to a file never draws, and starts about 30 ms sooner without it.

F = TypeVar("F", bound=Callable[..., Any])

LANG_ENV = "MINZHENG_LANG"


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def _lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default=lambda: os.environ.get(LANG_ENV, "en"),
        show_default="en, or $MINZHENG_LANG",
        help="Language of messages and labels.",
    )(func)


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 200)


def _file_console(out: IO[str]) -> Console:
    from rich.console import Console

    return Console(file=out, highlight=False)


def escape(text: str) -> str:
    """``text`` with rich's markup escaped, to print as it is."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _registry(*, warn: bool = True) -> Registry:
    """The installed packs; a plugin that failed to load is a warning on stderr."""
    registry = Registry.discover()
    if warn and registry.errors:
        err = _stderr()
        for error in registry.errors:
            err.print(f"[yellow]warning:[/] {escape(str(error))}")
    return registry


def _options(table: Path | None) -> dict[str, object]:
    """The options handed to the packs: a scoring table given with ``--table``."""
    return {} if table is None else {"score_table": load_score_table(table)}


def _is_csv(path: str) -> bool:
    """A CSV dataset: a folder (not one of Parquet files), or a facts file with
    ``units.csv`` beside it."""
    folder = Path(path).is_dir() and not (Path(path) / "facts.parquet").is_file()
    return folder or Path(path).suffix.lower() == ".csv"


def _load(path: str, registry: Registry) -> Dataset:
    return load_dataset(path, registry.indicators)


def _output_path(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """``-o FILE``: its folder must exist, checked before any work is done."""
    if value is not None and not value.absolute().parent.is_dir():
        raise click.BadParameter(f"no folder {str(value.parent)!r} to write {value.name!r} in")
    return value


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date such as 2018-12-31, found {value!r}") from None


class _Group(click.Group):
    """Turns a user's mistake into one message per problem and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MinzhengError as exc:
            err = _stderr()
            for line in str(exc).splitlines():
                err.print(f"[red]error:[/] {escape(line)}")
            ctx.exit(2)
        except _Exit as done:
            ctx.exit(done.code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="minzheng")
def main() -> None:
    """minzheng (民政): civil-affairs policy as code.

    Assess administrative units against the rule packs installed (Ji'an, Songming,
    Yancheng, …): compliance findings, derived targets and trajectories.
    """


@main.command()
@_lang_option
def packs(lang: str) -> None:
    """List the installed rule packs (and any that failed to load)."""
    registry = _registry(warn=False)  # the failures are part of this command's output
    from rich.table import Table

    zh = lang == "zh"
    table = Table(title="规则包" if zh else "Rule packs")
    for head in (
        ("名称", "name"),
        ("版本", "version"),
        ("地区", "region"),
        ("引用文件", "documents"),
        ("规则数", "rules"),
        ("实现的钩子", "hooks"),
    ):
        table.add_column(head[0] if zh else head[1], overflow="fold")
    for pack in registry.packs.values():
        region = pack.info.region
        where = (
            "—"
            if region is None
            else f"{region.name_zh if zh else region.name_en} ({', '.join(region.prefixes)})"
        )
        docs = "\n".join(d.name for d in pack.info.documents) or "—"
        table.add_row(
            pack.name,
            pack.info.version or "—",
            where,
            docs,
            str(len(pack.rules)),
            "\n".join(pack.hooks),
        )
    out = _stdout()
    out.print(table)
    for error in registry.errors:
        out.print(f"[red]{'加载失败' if zh else 'failed'}:[/] {escape(str(error))}")


@main.command()
@click.argument("pack", required=False)
@_lang_option
def rules(pack: str | None, lang: str) -> None:
    """List the rules of every pack, or of PACK."""
    registry = _registry()
    names = [pack] if pack else None
    from rich.table import Table

    zh = lang == "zh"
    table = Table(title="规则" if zh else "Rules")
    for head in (
        ("规则", "rule"),
        ("规则包", "pack"),
        ("名称", "title"),
        ("适用层级", "applies to"),
        ("条款", "clause"),
        ("属性", "attribute"),
    ):
        table.add_column(head[0] if zh else head[1], overflow="fold")
    for loaded, rule in registry.iter_rules(names):
        attribute = rule.attribute.zh if zh else rule.attribute.value
        table.add_row(
            rule.id,
            loaded.name,
            rule.title(lang),
            _applies_to(rule, zh),
            rule.citation.locator,
            attribute,
        )
    _stdout().print(table)


def _applies_to(rule: Rule, zh: bool) -> str:
    """The units a rule applies to: ``township``, ``facility, village (service_hall,
    urban_community), urban`` (``zh``: 乡镇; 机构、村居 (…)、城市). Types are the packs' ids."""
    levels = ("、" if zh else ", ").join(lv.zh if zh else lv.value for lv in rule.levels)
    if rule.types:
        levels += f" ({', '.join(rule.types)})"
    if rule.area:
        levels += f"{'、' if zh else ', '}{rule.area.zh if zh else rule.area.value}"
    return levels


@main.command()
@click.argument("rule_id", metavar="RULE")
@_lang_option
def explain(rule_id: str, lang: str) -> None:
    """Show a rule: its clause in Chinese, our reading, the inputs it needs."""
    registry = _registry()
    pack, rule = registry.rule(rule_id)
    zh = lang == "zh"
    out = _stdout()
    indicators = registry.indicators
    out.print(f"[bold]{escape(rule.id)}[/] — {escape(rule.title_zh)} / {escape(rule.title_en)}")
    out.print(
        f"{'规则包' if zh else 'Pack'}: {pack.name} ({pack.info.title_zh} / {pack.info.title_en})"
    )
    out.print(f"{'适用' if zh else 'Applies to'}: {_applies_to(rule, zh)}")
    cite = rule.citation
    out.print(f"{'出处' if zh else 'Source'}: {escape(cite.name)} {escape(cite.locator)}")
    out.print(f"{'原文' if zh else 'Clause'}: {escape(cite.text)}")
    out.print(f"{'解读' if zh else 'Reading'}: {escape(rule.reading)}")
    out.print(
        f"{'属性' if zh else 'Attribute'}: {rule.attribute.zh if zh else rule.attribute.value}"
    )
    if rule.deadline:
        out.print(f"{'期限' if zh else 'Deadline'}: {rule.deadline.isoformat()}")
    if rule.effective:
        out.print(f"{'起始' if zh else 'In force from'}: {rule.effective.isoformat()}")
    out.print(f"{'所需数据' if zh else 'Inputs'}:")
    for indicator in rule.reads():
        ind = indicators.get(indicator)
        if ind is None:
            out.print(f"  {indicator}")
            continue
        shown = ind.measure_zh if zh else ind.measure
        measure = escape(f" [{shown}]") if shown else ""  # not rich markup: "[person]"
        out.print(f"  {indicator}: {ind.name_zh} / {ind.name_en}{measure} ({ind.kind.value})")


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@_lang_option
def validate(file: str, lang: str) -> None:
    """Check a dataset file; report every problem, naming unit and field."""
    registry = _registry()
    zh = lang == "zh"
    unordered = False
    if _is_csv(file):
        stream = DatasetStream(file, registry.indicators)  # a national file, little memory
        try:
            units, facts = len(stream), stream.check()
        except OrderError:  # valid, but not in blocks by county: check it whole
            unordered = True
    if unordered or not _is_csv(file):
        tables = read_tables(file, registry.indicators)  # Parquet too
        units, facts = tables.units.height, tables.facts.height
    if unordered:
        _stderr().print(
            f"注意:{stream.facts_path.name} 未按县分块排列:使用 --stream 评估前请按单位代码排序"
            if zh
            else f"note: {stream.facts_path.name} is not in blocks by county: sort it by unit "
            "code before assessing it with --stream"
        )
    if zh:
        _stdout().print(f"通过:{file}:{units} 个单位,{facts} 项数据")
    else:
        _stdout().print(f"OK: {file}: {units} units, {facts} facts")


def _common_assess_options(func: F) -> F:
    func = click.option(
        "--pack",
        "packs",
        multiple=True,
        metavar="PACK",
        help="Apply only this pack (repeatable). Default: every installed pack.",
    )(func)
    func = click.option(
        "--on",
        "on",
        callback=_parse_date,
        metavar="DATE",
        help="Assessment date (default: the dataset's as_of, else the end of its latest period).",
    )(func)
    func = click.option(
        "--what-if", is_flag=True, help="Apply the packs to units outside their region too."
    )(func)
    func = click.option(
        "--rule",
        "rule_ids",
        multiple=True,
        metavar="RULE",
        help="Only this rule (repeatable). Default: every rule of the packs.",
    )(func)
    func = click.option(
        "--table",
        "table",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help="A scoring table (指标体系表) for the packs that score against one, e.g. the "
        "official Yancheng table; default: the table the pack ships.",
    )(func)
    func = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        callback=_output_path,
        help="Write to this file instead of standard output.",
    )(func)
    return func


_WRITE_BUFFER = 1 << 20  # bytes


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[IO[str]]:
    """Standard output, or a file that appears (replacing any old one) only when the
    whole run succeeds: a run stopped by bad input leaves no half-written file."""
    if path is None:
        yield sys.stdout
        return
    partial = path.with_name(f".{path.name}.partial")
    try:
        # big writes: a national run's 2.5 GiB of JSON lines in 8 KiB pieces would be
        # 330,000 system calls
        sink = partial.open("w", encoding="utf-8", buffering=_WRITE_BUFFER)
    except OSError as exc:
        raise click.UsageError(f"cannot write {str(path)!r}: {exc.strerror}") from None
    try:
        with sink as out:
            yield out
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


_stream_option = click.option(
    "--stream/--no-stream",
    default=None,
    help="Read a CSV dataset county by county as it is assessed, so memory does not grow "
    "with its facts (needs facts.csv in code order). Default: stream CSV for --format jsonl.",
)


def _streaming(file: str, stream: bool | None, fmt: str, whole: tuple[str, ...] = ()) -> bool:
    """Whether to read ``file`` as a :class:`DatasetStream`: ``--stream`` as given, by
    default for a CSV dataset written as JSON lines; a usage error where it cannot be."""
    is_csv = _is_csv(file)
    if stream and not is_csv:
        raise click.UsageError(
            "--stream reads a CSV dataset (a folder, or a facts .csv file with units.csv beside it)"
        )
    if stream and fmt in whole:
        raise click.UsageError(f"--format {fmt} needs the whole dataset: leave out --stream")
    return is_csv and fmt == "jsonl" if stream is None else stream


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@_common_assess_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "parquet", "markdown", "html", "xlsx"]),
    default="table",
    show_default=True,
    help="Output format. jsonl writes one finding per line; parquet (the findings table, "
    "typed columns), html (a self-contained report with charts) and xlsx (a workbook "
    "coloured by status) need -o FILE.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["not-met", "failure", "never"]),
    default="not-met",
    show_default=True,
    help="What makes the exit status 1: any finding not met, only failures (binding and due), or nothing.",
)
@_lang_option
def assess(
    file: str,
    packs: tuple[str, ...],
    on: date | None,
    what_if: bool,
    rule_ids: tuple[str, ...],
    table: Path | None,
    output: Path | None,
    fmt: str,
    fail_on: str,
    lang: str,
) -> None:
    """Assess the units of a dataset FILE against the installed packs.

    FILE is a .yaml, .yml, .json or .xlsx file, a CSV folder (units.csv and facts.csv)
    or facts file, or a Parquet folder (units.parquet and facts.parquet) or facts file.
    """
    if fmt in ("html", "xlsx", "parquet") and output is None:
        raise click.UsageError(f"--format {fmt} writes a file: give -o FILE.{fmt}")
    registry = _registry()
    options = _options(table)
    engine = Engine(registry)
    names = list(packs) or None
    rules = rule_ids or None
    if fmt in ("jsonl", "parquet"):
        args = {"what_if": what_if, "options": options, "rules": rules}
        by_status, failed = _findings_file(engine, file, names, on, args, fmt, output)
        click.echo(_summary_counts(by_status, lang), err=True)
        raise _Exit(_exit_status(by_status, failed, fail_on, bool(registry.errors)))
    # a CSV or Parquet dataset by polars' readers; any other file as loaded (kept for
    # the html and xlsx reports, which show its units)
    by_column = _is_csv(file) or file.lower().endswith(".parquet") or Path(file).is_dir()
    data = read_tables(file, registry.indicators) if by_column else _load(file, registry)
    on = resolve_date(data, on)
    report = engine.assess(data, names, on, what_if=what_if, options=options, rules=rules)
    if isinstance(data, Dataset) or fmt not in ("html", "xlsx"):
        dataset = data if isinstance(data, Dataset) else None
    else:
        dataset = dataset_from_tables(data, registry.indicators)
    _write_report(report, dataset, registry, fmt, output, lang)
    failures = sum(1 for f in report if f.severity is Severity.FAILURE)
    summary = {s.value: n for s, n in report.summary.items()}
    raise _Exit(_exit_status(summary, failures, fail_on, bool(registry.errors)))


def _findings_file(
    engine: Engine,
    file: str,
    packs: list[str] | None,
    on: date | None,
    args: dict[str, Any],
    fmt: str,
    output: Path | None,
) -> tuple[dict[str, int], int]:
    """Assess ``file`` by column and write its findings as JSON lines or Parquet: a
    province at a time when it is a CSV dataset of several provinces (bounded memory),
    else whole. Returns the findings by status and the number of failures."""
    from minzheng.io.tables import Doubt, read_blocks
    from minzheng.report.writers import status_counts, write_findings_jsonl, write_findings_parquet

    registry = engine.registry
    scratch = None if output is None else output.absolute().parent
    with read_blocks(file, registry.indicators, scratch) as blocks:
        if blocks is not None:
            try:
                day = resolve_date(blocks, on)
                tables = (engine.assess_table(t, packs, day, **args) for t in blocks)
                if fmt == "parquet":
                    assert output is not None
                    return _counted(write_findings_parquet, tables, output)
                with _output(output) as out:
                    return _counted(write_findings_jsonl, tables, out)
            except Doubt:
                pass  # read whole: the row-by-row reader names what is wrong
    whole = read_tables(file, registry.indicators)
    found = engine.assess_table(whole, packs, resolve_date(whole, on), **args)
    if fmt == "parquet":
        assert output is not None
        write_findings_parquet(found, output)
    else:
        with _output(output) as out:
            write_findings_jsonl(found, out)
    by_status, failures, _ = status_counts(found)
    return by_status, failures


def _counted(
    write: Callable[[Any, Any], Any], tables: Iterator[Any], target: Any
) -> tuple[dict[str, int], int]:
    """Write the findings tables one after another; their counts by status and failures."""
    from minzheng.report.writers import status_counts

    by_status: dict[str, int] = {}
    failures = 0

    def counting() -> Iterator[Any]:
        nonlocal failures
        for table in tables:
            counts, failed, _ = status_counts(table)
            for status, n in counts.items():
                by_status[status] = by_status.get(status, 0) + n
            failures += failed
            yield table

    write(counting(), target)
    return by_status, failures


def _write_report(
    report: Report,
    dataset: Dataset | None,
    registry: Registry,
    fmt: str,
    output: Path | None,
    lang: str,
) -> None:
    """Write a whole report as ``fmt`` (the units of ``dataset`` for html and xlsx)."""
    if fmt == "xlsx":
        from minzheng.report.xlsx import (
            write_findings_workbook,  # openpyxl: loaded only when asked for
        )

        assert output is not None
        assert dataset is not None
        write_findings_workbook(report, output, lang, dataset)
    elif fmt == "html":
        from minzheng.report.html import (
            report_to_html,  # matplotlib and Jinja2: loaded only when asked for
        )

        assert output is not None
        assert dataset is not None
        output.write_text(report_to_html(report, dataset, registry, lang), encoding="utf-8")
    else:
        with _output(output) as out:
            if fmt == "json":
                json.dump(report_to_json(report), out, ensure_ascii=False, indent=2)
                out.write("\n")
            elif fmt == "markdown":
                out.write(report_to_markdown(report, lang))
            else:
                console = _stdout() if output is None else _file_console(out)
                report_to_table(report, console, lang)


def _trajectory_text(target: TargetValue, zh: bool) -> str:
    """The yearly points of a target's straight line, for the table."""
    if not target.trajectory:
        return ""
    points = ", ".join(f"{year}: {format_decimal(value)}" for year, value in target.trajectory)
    return f"\n{'逐年进度' if zh else 'by year'}: {points}"


def _opt_decimal(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


def _summary_counts(by_status: Mapping[str, int], lang: str) -> str:
    """The summary line: findings by status, every status named."""
    return f"{label('summary', lang)}: " + ", ".join(
        f"{label(s.value, lang)} {by_status.get(s.value, 0)}" for s in Status
    )


def _exit_status(
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


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@_common_assess_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl"]),
    default="table",
    show_default=True,
    help="Output format. jsonl streams one target per line (the standards in force are "
    "in the other formats).",
)
@_stream_option
@_lang_option
def targets(
    file: str,
    packs: tuple[str, ...],
    on: date | None,
    what_if: bool,
    rule_ids: tuple[str, ...],
    table: Path | None,
    output: Path | None,
    fmt: str,
    stream: bool | None,
    lang: str,
) -> None:
    """Derived targets for each unit of FILE (what it must reach, by when), and the
    programme standards in force."""
    stream = _streaming(file, stream, fmt)
    registry = _registry()
    options = _options(table)
    dataset = DatasetStream(file, registry.indicators) if stream else _load(file, registry)
    engine = Engine(registry)
    day = resolve_date(dataset, on)
    derived = engine.iter_targets(
        dataset, list(packs) or None, day, what_if=what_if, options=options, rules=rule_ids or None
    )
    if fmt == "jsonl":
        with _output(output) as out:
            write_targets_jsonl(derived, out)
        return
    found = list(derived)
    standards = [
        (pack.name, program, standard)
        for pack in registry.packs.values()
        if not packs or pack.name in packs
        for program in pack.programs
        for standard in program.standards
    ]
    with _output(output) as out:
        if fmt == "json":
            data = {
                "on": day.isoformat(),
                "targets": targets_to_json(found),
                "standards": [
                    {
                        "pack": p,
                        "program": prog.id,
                        "standard": s.id,
                        "name_zh": s.name_zh,
                        "name_en": s.name_en,
                        "measure": s.schedule.measure,
                        "value": _opt_decimal(s.schedule.on(day)),
                        "changes": [
                            {"from": d.isoformat(), "value": format_decimal(v)}
                            for d, v in s.schedule.changes
                        ],
                        "growth": _opt_decimal(s.schedule.growth()),
                    }
                    for p, prog, s in standards
                ],
            }
            json.dump(data, out, ensure_ascii=False, indent=2)
            out.write("\n")
            return
        zh = lang == "zh"
        from rich.table import Table

        console = _stdout() if output is None else _file_console(out)
        grid = Table(title=f"{'目标' if zh else 'Targets'} · {day.isoformat()}")
        for key in ("unit", "pack", "rule", "indicator", "required", "deadline", "basis"):
            grid.add_column(label(key, lang), overflow="fold")
        indicators = registry.indicators
        for t in found:
            ind = indicators.get(t.indicator)
            shown = (ind.measure_zh if ind else measure_zh(t.measure)) if zh else t.measure
            required = (
                "?"
                if t.required is None
                else f"{t.comparator.value} {format_quantity(t.required, shown)}"
            )
            name = (ind.name_zh if zh else ind.name_en) if ind else t.indicator
            grid.add_row(
                t.unit,
                t.pack,
                t.rule,
                name,
                required,
                t.deadline.isoformat() if t.deadline else "—",
                (t.basis_zh if zh else t.basis_en) + _trajectory_text(t, zh),
            )
        console.print(grid)
        if standards:
            st = Table(title=f"{'标准' if zh else 'Standards in force'} · {day.isoformat()}")
            for head in (
                ("规则包", "pack"),
                ("项目", "programme"),
                ("标准", "standard"),
                ("现行值", "value in force"),
                ("历次调整", "changes"),
                ("年均增长", "annual growth"),
            ):
                st.add_column(head[0] if zh else head[1], overflow="fold")
            for p, prog, s in standards:
                value = s.schedule.on(day)
                measure = measure_zh(s.schedule.measure) if zh else s.schedule.measure
                shown = "—" if value is None else format_quantity(value, measure)
                changes = ", ".join(
                    f"{d.isoformat()}: {format_decimal(v)}" for d, v in s.schedule.changes
                )
                growth = s.schedule.growth()
                years = f"{s.schedule.changes[0][0].year}→{s.schedule.changes[-1][0].year}"
                rate = (
                    "—"
                    if growth is None
                    else f"{(growth * 100).quantize(Decimal('0.1'))}% ({years})"
                )
                st.add_row(
                    p,
                    prog.name_zh if zh else prog.name_en,
                    s.name_zh if zh else s.name_en,
                    shown,
                    changes,
                    rate,
                )
            console.print(st)


@main.command()
@click.argument("pack")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    callback=_output_path,
    help="Write to this file instead of standard output.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "xlsx"]),
    default="yaml",
    show_default=True,
    help="YAML, or an Excel workbook to fill in (one sheet per level, with data validation).",
)
def template(pack: str, output: Path | None, fmt: str) -> None:
    """A blank dataset (YAML or an Excel workbook) listing every fact PACK's rules read,
    with units."""
    registry = _registry()
    if fmt == "xlsx":
        from minzheng.report.xlsx import template_workbook

        if output is None:
            raise click.UsageError("an Excel workbook needs -o FILE.xlsx")
        template_workbook(registry.pack(pack), registry.indicators, output)
        return
    text = template_yaml(registry.pack(pack), registry.indicators)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@main.command("new-pack")
@click.argument("name")
@click.option(
    "--title-zh", required=True, help="The pack's Chinese title, e.g. 某某市民政三年规划."
)
@click.option("--title-en", required=True, help="The pack's English title.")
@click.option(
    "--prefix",
    "prefixes",
    multiple=True,
    metavar="CODE",
    help="A GB/T 2260 prefix of the region the pack covers (repeatable).",
)
@click.option("--region-zh", default="", help="The region's Chinese name.")
@click.option("--region-en", default="", help="The region's English name.")
@click.option(
    "--document",
    default="document",
    show_default=True,
    help="A short id for the document the pack encodes (citations name it).",
)
@click.option(
    "--source",
    default="",
    help="The file the document's clauses are read from (recorded for traceability).",
)
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The folder to create the pack in.",
)
def new_pack_command(
    name: str,
    title_zh: str,
    title_en: str,
    prefixes: tuple[str, ...],
    region_zh: str,
    region_en: str,
    document: str,
    source: str,
    directory: Path,
) -> None:
    """Create a working rule-pack skeleton NAME: pyproject with the entry point, data
    files with one example rule, the hooks, and tests that pass as they are."""
    target = new_pack(
        name,
        directory,
        title_zh=title_zh,
        title_en=title_en,
        region_zh=region_zh,
        region_en=region_en,
        prefixes=prefixes,
        document=document,
        source=source,
    )
    out = _stdout()
    out.print(escape(f"created {target}"))
    out.print(
        escape(
            f"next: pip install -e '{target}[test]' && pytest {target / 'tests'} && minzheng packs"
        )
    )
