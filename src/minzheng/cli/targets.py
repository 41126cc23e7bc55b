"""``minzheng targets FILE``: what each unit must reach."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import click

from minzheng.cli._common import (
    Exit,
    Run,
    assess_options,
    complete_file,
    escape,
    file_console,
    format_option,
    installed,
    lang_option,
    main,
    not_an_input,
    read_input,
    source_options,
    stdout,
)
from minzheng.cli._exits import FAILED
from minzheng.engine import resolve_date
from minzheng.i18n import text
from minzheng.model import Indicator, Program, Standard, TargetValue, measure_zh
from minzheng.model.values import format_decimal, format_quantity
from minzheng.packs.registry import Registry
from minzheng.report.render import targets_to_json, write_targets_jsonl

if TYPE_CHECKING:
    from rich.table import Table


def _trajectory_text(target: TargetValue, lang: str) -> str:
    """The yearly points of a target's straight line, for the table."""
    if not target.trajectory:
        return ""
    points = ", ".join(f"{year}: {format_decimal(value)}" for year, value in target.trajectory)
    return f"\n{text('word.by_year', lang)}: {points}"


def _opt_decimal(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


@main.command(help="cli.help.targets")
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@assess_options
@format_option("table", "json", "jsonl", help="cli.opt.targets_format")
@source_options
@lang_option
def targets(file: str, run: Run, fmt: str, sources: tuple[str, str], lang: str) -> None:
    """Derived targets for each unit of FILE (what it must reach, by when), and the
    programme standards in force."""
    not_an_input(run.output, file, run.table)
    registry = installed()
    data = read_input(file, registry, sources)
    day = resolve_date(data, run.on)
    derived = run.engine(registry).iter_targets(
        data, run.packs, day, what_if=run.what_if, rules=run.rules
    )
    if fmt == "jsonl":
        with complete_file(run.output) as out:
            write_targets_jsonl(derived, out)
    else:
        _write_all(list(derived), (registry, day), run, fmt, lang)
    if registry.errors:  # written, but a pack that did not load may be missing from it
        raise Exit(FAILED)


def _write_all(
    found: list[TargetValue], where: tuple[Registry, date], run: Run, fmt: str, lang: str
) -> None:
    """The targets and the programme standards in force, as a table or JSON."""
    registry, day = where
    standards = [
        (pack.name, program, standard)
        for pack in registry.packs.values()
        if not run.packs or pack.name in run.packs
        for program in pack.programs
        for standard in program.standards
    ]
    with complete_file(run.output) as out:
        if fmt == "json":
            json.dump(_targets_json(day, found, standards), out, ensure_ascii=False, indent=2)
            out.write("\n")
            return
        console = stdout() if run.output is None else file_console(out)
        console.print(_targets_grid(day, found, registry.indicators, lang))
        if standards:
            console.print(_standards_grid(day, standards, lang))


_Standard = tuple[str, Program, Standard]


def _targets_json(day: date, found: list[TargetValue], standards: list[_Standard]) -> Any:
    """The targets and the standards in force, as one JSON object."""
    return {
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


def _targets_grid(
    day: date, found: list[TargetValue], indicators: Mapping[str, Indicator], lang: str
) -> Table:
    """The targets as a terminal table."""
    from rich.table import Table

    zh = lang == "zh"
    grid = Table(title=escape(f"{text('word.targets', lang)} · {day.isoformat()}"))
    for key in ("unit", "pack", "rule", "indicator", "required", "deadline", "basis"):
        grid.add_column(text(f"word.{key}", lang), overflow="fold")
    for t in found:
        ind = indicators.get(t.indicator)
        shown = (ind.measure_zh if ind else measure_zh(t.measure)) if zh else t.measure
        required = (
            "?"
            if t.required is None
            else f"{text(f'comparator.{t.comparator.name.lower()}', lang)} "
            f"{format_quantity(t.required, shown)}"
        )
        name = (ind.name_zh if zh else ind.name_en) if ind else t.indicator
        cells = (
            t.unit, t.pack, t.rule, name, required, t.deadline.isoformat() if t.deadline else "—",
            (t.basis_zh if zh else t.basis_en) + _trajectory_text(t, lang),
        )  # fmt: skip
        grid.add_row(*(escape(c) for c in cells))
    return grid


def _standards_grid(day: date, standards: list[_Standard], lang: str) -> Table:
    """The programme standards in force, as a terminal table."""
    from rich.table import Table

    zh = lang == "zh"
    st = Table(title=escape(f"{text('word.standards', lang)} · {day.isoformat()}"))
    for head in ("pack", "programme", "standard", "value_in_force", "changes", "growth"):
        st.add_column(text(f"word.{head}", lang), overflow="fold")
    st.columns[-1].no_wrap = True  # "8.7% (2015→2020)" read at a glance
    for p, prog, s in standards:
        value = s.schedule.on(day)
        measure = measure_zh(s.schedule.measure) if zh else s.schedule.measure
        shown = "—" if value is None else format_quantity(value, measure)
        changes = ", ".join(f"{d.isoformat()}: {format_decimal(v)}" for d, v in s.schedule.changes)
        growth = s.schedule.growth()
        years = f"{s.schedule.changes[0][0].year}→{s.schedule.changes[-1][0].year}"
        rate = "—" if growth is None else f"{(growth * 100).quantize(Decimal('0.1'))}% ({years})"
        st.add_row(
            p, prog.name_zh if zh else prog.name_en, s.name_zh if zh else s.name_en, shown,
            changes, rate,
        )  # fmt: skip
    return st
