"""PostgreSQL in and out, against a real server (:mod:`pg_server`).

The samples and a generated city-scale dataset go dataset → database → assess →
database → diff; findings read from the database are those read from the files;
credentials come from the URI, the environment or a password file and never appear in
a message; a run that fails or is killed midway leaves the tables as they were.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import attrs
import polars as pl
import pytest
from click.testing import CliRunner, Result

import pg_server
from benchmark_scripts import BENCHMARKS, load
from minzheng import Registry
from minzheng.cli import main
from minzheng.io.postgres import connect, fetch, read_database, write_tables
from minzheng.io.tables import read_tables

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
_SCHEMAS = itertools.count()


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    pytest.importorskip("adbc_driver_postgresql", reason="pip install 'minzheng[postgresql]'")
    with pg_server.server() as uri:
        if uri is None:
            reason = pg_server.why_not[-1]
            if os.environ.get("CI"):  # CI installs PostgreSQL: a missing server is a failure
                pytest.fail(reason)
            pytest.skip(reason)
        yield uri


@pytest.fixture(scope="session")
def installed() -> Registry:
    registry = Registry.discover()
    if not {"jian", "songming", "yancheng"} <= set(registry.packs):
        pytest.skip("the region packs are not installed (nox -s tests installs them)")
    return registry


def execute(uri: str, *statements: str) -> None:
    with connect(uri) as connection, connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        connection.commit()


def query(uri: str, sql: str) -> pl.DataFrame:
    with connect(uri) as connection:
        return fetch(connection, sql, uri)


@pytest.fixture
def schema(server: str) -> Iterator[str]:
    """A schema of its own for each test, dropped after it."""
    name = f"t{os.getpid()}_{next(_SCHEMAS)}"
    execute(server, f"CREATE SCHEMA {name}")
    yield name
    execute(server, f"DROP SCHEMA {name} CASCADE")


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def findings_of(jsonl: str) -> list[dict[str, object]]:
    """The findings of a JSON lines output, after its run record, by pack, rule and
    unit (the order of the units is the source's: a table's is its codes' order)."""
    head, *lines = jsonl.splitlines()
    assert set(json.loads(head)) == {"run"}
    found = [json.loads(line) for line in lines]
    return sorted(found, key=lambda f: (f["pack"], f["rule"], f["unit"]))


def load_example(uri: str, schema: str, example: Path, registry: Registry) -> None:
    tables = read_tables(example, registry.indicators)
    write_tables(tables, uri, registry.indicators, units=f"{schema}.units", facts=f"{schema}.facts")


# -- reading ---------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_sample_read_from_the_database_gives_the_files_findings(
    server: str, schema: str, installed: Registry, example: Path
) -> None:
    load_example(server, schema, example, installed)
    sources = ["--units", f"{schema}.units", "--facts", f"{schema}.facts"]
    from_db = invoke("assess", server, *sources, "--format", "jsonl")
    from_file = invoke("assess", str(example), "--format", "jsonl")
    assert from_db.exit_code == from_file.exit_code, from_db.output
    assert findings_of(from_db.stdout) == findings_of(from_file.stdout)
    record = json.loads(from_db.stdout.splitlines()[0])["run"]
    assert record["dataset"] == server.replace(pg_server.PASSWORD, "***")
    assert pg_server.PASSWORD not in from_db.output


def test_the_wide_layout_and_queries_are_read(
    server: str, schema: str, installed: Registry
) -> None:
    """Facts as one column per indicator (integers and numeric, not text), and units
    chosen by a query: the same findings as the long table."""
    example = ROOT / "examples" / "jian-2018.yaml"
    load_example(server, schema, example, installed)
    execute(
        server,
        f"CREATE TABLE {schema}.wide AS SELECT unit, period,"
        f" max(value) FILTER (WHERE indicator = 'registered_population')::integer"
        f" AS registered_population,"
        f" max(value) FILTER (WHERE indicator = 'office_staff')::numeric"
        f" AS office_staff"
        f" FROM {schema}.facts GROUP BY unit, period",
    )
    levels = "level IN ('prefecture', 'county', 'township')"
    units = f"SELECT * FROM {schema}.units WHERE {levels}"
    facts = (
        f"SELECT w.* FROM {schema}.wide w JOIN {schema}.units u ON u.code = w.unit"
        f" WHERE {levels} ORDER BY w.unit"
    )
    rule = ["--pack", "jian", "--rule", "J-staff-by-pop", "--format", "jsonl"]
    wide = invoke("assess", server, "--units", units, "--facts", facts, *rule)
    long = invoke("assess", str(example), *rule)
    assert wide.exit_code == long.exit_code == 1, wide.output
    assert findings_of(wide.stdout) == findings_of(long.stdout)
    tables = read_database(server, installed.indicators, units=units, facts=facts)  # Python
    assert set(tables.units.get_column("level")) == {"prefecture", "county", "township"}


def test_a_bad_value_is_named_by_table_row_unit_and_column(
    server: str, schema: str, installed: Registry
) -> None:
    load_example(server, schema, ROOT / "examples" / "jian-2018.yaml", installed)
    execute(
        server,
        f"UPDATE {schema}.facts SET value = 'many' WHERE unit = '360821102'"
        f" AND indicator = 'office_staff'",
    )
    sources = ["--units", f"{schema}.units", "--facts", f"{schema}.facts"]
    for lang, words in (("en", "expected"), ("zh", "应为")):
        result = invoke("assess", server, *sources, "--lang", lang)
        assert result.exit_code == 2, result.output
        line = next(x for x in result.stderr.splitlines() if "office_staff" in x)
        assert f"({schema}.facts)" in line
        assert "360821102" in line
        assert words in line
        assert "'many'" in line
        assert pg_server.PASSWORD not in result.output
        assert "Traceback" not in result.output


def test_a_float_column_and_a_bad_source_are_refused(
    server: str, schema: str, installed: Registry
) -> None:
    load_example(server, schema, ROOT / "examples" / "jian-2018.yaml", installed)
    execute(
        server,
        f"CREATE TABLE {schema}.floats AS SELECT unit, period,"
        f" 1.5::float8 AS registered_population FROM {schema}.facts",
    )
    result = invoke("assess", server, "--units", f"{schema}.units", "--facts", f"{schema}.floats")
    assert result.exit_code == 2
    assert "registered_population" in result.stderr
    assert "(not floats), found Float64" in result.stderr
    result = invoke("assess", server, "--units", f"{schema}.units", "--facts", "DROP TABLE x")
    assert result.exit_code == 2
    assert "--facts: expected a table name" in result.stderr
    result = invoke("assess", server, "--units", f"{schema}.units", "--facts", f"{schema}.none")
    assert result.exit_code == 2
    assert "failed" in result.stderr
    assert f"{schema}.none" in result.stderr
    result = invoke("assess", str(EXAMPLES[0]), "--units", "x")
    assert result.exit_code == 2
    assert "--units is for a database source" in result.stderr


# -- credentials -------------------------------------------------------------------


def test_credentials_from_the_environment_and_a_password_file(
    server: str, schema: str, installed: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_example(server, schema, ROOT / "examples" / "jian-2018.yaml", installed)
    bare = server.replace(f":{pg_server.PASSWORD}@", "@")
    sources = ["--units", f"{schema}.units", "--facts", f"{schema}.facts", "--format", "jsonl"]
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    wrong = server.replace(pg_server.PASSWORD, "not-the-pw")
    refused = invoke("assess", wrong, *sources)
    assert refused.exit_code == 2
    assert "cannot connect to" in refused.stderr
    assert "not-the-pw" not in refused.output
    assert "***" in refused.stderr
    monkeypatch.setenv("PGPASSWORD", pg_server.PASSWORD)
    assert invoke("assess", bare, *sources).exit_code == 1
    monkeypatch.delenv("PGPASSWORD")
    assert invoke("assess", bare, *sources).exit_code == 2  # no password at all
    password_file = tmp_path / "pgpass"
    password_file.write_text(f"127.0.0.1:*:*:{pg_server.USER}:{pg_server.PASSWORD}\n")
    password_file.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(password_file))
    assert invoke("assess", bare, *sources).exit_code == 1


def test_an_internal_error_log_holds_no_password(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log of an internal error records the command line: with ``***`` for the
    password of any URI in it."""
    script = tmp_path / "crash.py"
    script.write_text(
        "import sys\n"
        "import minzheng.cli.assess as a\n"
        "def boom(*args, **kwargs):\n"
        "    raise RuntimeError('boom')\n"
        "a.read_input = boom\n"
        "from minzheng.cli import main\n"
        "sys.argv = ['minzheng', *sys.argv[1:]]\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, str(script), "assess", server, f"--output={server}/findings"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "TMPDIR": str(tmp_path)},
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    (log,) = tmp_path.glob("minzheng-error-*.log")
    text = log.read_text("utf-8")
    assert "RuntimeError: boom" in text
    assert "assess postgresql://minzheng:***@" in text
    assert pg_server.PASSWORD not in text + done.stderr


# -- writing -----------------------------------------------------------------------


def test_findings_are_appended_or_replace_the_table(
    server: str, schema: str, installed: Registry
) -> None:
    example = ROOT / "examples" / "songming-2023.yaml"
    target = f"{server}/{schema}.findings"
    for _ in range(2):
        assert invoke("assess", str(example), "-o", target).exit_code == 1
    runs = query(server, f"SELECT run_id, findings FROM {schema}.findings_runs")
    assert runs.height == 2
    counted = query(server, f"SELECT run_id, count(*) AS n FROM {schema}.findings GROUP BY 1")
    assert sorted(counted.get_column("n").to_list()) == sorted(runs.get_column("findings"))
    rules = query(server, f"SELECT count(*) AS n FROM {schema}.findings_rules").item()
    assert rules == len(list(installed.iter_rules()))  # once, however many runs and rows
    assert invoke("assess", str(example), "-o", target, "--if-exists", "replace").exit_code == 1
    assert query(server, f"SELECT count(*) FROM {schema}.findings_runs").item() == 1
    assert query(server, f"SELECT count(DISTINCT run_id) FROM {schema}.findings").item() == 1
    types = dict(
        query(
            server,
            f"SELECT column_name, data_type FROM information_schema.columns"
            f" WHERE table_schema = '{schema}' AND table_name = 'findings'",
        ).iter_rows()
    )
    assert types["actual"] == types["required"] == types["gap"] == "numeric"
    assert types["deadline"] == "date"
    assert "citation" not in types  # the clause is in the rules table, once
    traced = query(
        server,
        f"SELECT f.unit, f.status, r.locator, r.quote, f.actual::text AS actual"
        f" FROM {schema}.findings f JOIN {schema}.findings_run_rules USING (run_id, pack, rule)"
        f" JOIN {schema}.findings_rules r USING (fingerprint)"
        f" WHERE f.rule = 'S-cremation'",
    )
    assert traced.height > 0
    assert all(traced.get_column("quote").str.len_chars() > 0)


def test_a_failed_write_leaves_the_tables_as_they_were(
    server: str, schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import minzheng.report.database as database

    example = str(ROOT / "examples" / "yancheng-2017.yaml")
    target = f"{server}/{schema}.findings"
    monkeypatch.setattr(database, "_FINDINGS_INSERT", "INSERT INTO {findings} SELECT 1/0")
    first = invoke("assess", example, "-o", target)
    assert first.exit_code == 2
    assert "nothing was changed" in first.stderr
    assert pg_server.PASSWORD not in first.output
    tables = f"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}'"
    assert query(server, tables).item() == 0  # not even the tables were created
    monkeypatch.undo()
    assert invoke("assess", example, "-o", target).exit_code == 1
    before = query(server, f"SELECT count(*) FROM {schema}.findings").item()
    monkeypatch.setattr(database, "_FINDINGS_INSERT", "INSERT INTO {findings} SELECT 1/0")
    assert invoke("assess", example, "-o", target, "--if-exists", "replace").exit_code == 2
    assert query(server, f"SELECT count(*) FROM {schema}.findings").item() == before
    assert query(server, f"SELECT count(*) FROM {schema}.findings_runs").item() == 1


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory, installed: Registry) -> Path:
    """The generated city-scale dataset (invented data), as a CSV folder."""
    generate = load("bench_generate_pg", BENCHMARKS / "generate.py")
    generate.DATA = tmp_path_factory.mktemp("city")
    path: Path = generate.write("city", ["csv"], installed)["csv"]
    return path


def test_a_run_killed_midway_leaves_the_tables_as_they_were(
    server: str, schema: str, city: Path
) -> None:
    target = f"{server}/{schema}.findings"
    assert invoke("assess", str(city), "-o", target, "--what-if").exit_code in (1, 3)
    before = query(server, f"SELECT count(*) FROM {schema}.findings").item()
    process = subprocess.Popen(
        [sys.executable, "-m", "minzheng", "assess", str(city), "-o", target, "--what-if"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    writing = (
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
        " AND pid <> pg_backend_pid() AND (query ILIKE 'INSERT INTO%' OR query ILIKE 'COPY%')"
    )
    try:
        deadline = time.monotonic() + 120
        while query(server, writing).item() == 0:
            assert process.poll() is None, "the run ended before it was seen writing"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert query(server, f"SELECT count(*) FROM {schema}.findings").item() == before
    assert query(server, f"SELECT count(*) FROM {schema}.findings_runs").item() == 1


# -- round trips and diff ------------------------------------------------------------


def test_round_trip_of_a_sample_with_diff(
    server: str, schema: str, installed: Registry, tmp_path: Path
) -> None:
    """dataset → database → assess → database → diff, then a fact made worse."""
    example = ROOT / "examples" / "jian-2018.yaml"
    load_example(server, schema, example, installed)
    sources = ["--units", f"{schema}.units", "--facts", f"{schema}.facts"]
    target = f"{server}/{schema}.findings"
    assert invoke("assess", server, *sources, "-o", target).exit_code == 1
    file_run = invoke("assess", str(example), "--format", "json")
    old = tmp_path / "old.json"
    old.write_text(file_run.stdout, encoding="utf-8")
    same = invoke("diff", str(old), target, "--format", "json")
    assert same.exit_code == 0, same.output
    assert json.loads(same.stdout)["changes"] == []
    execute(
        server,
        f"UPDATE {schema}.facts SET value = '1' WHERE unit = '360821101'"
        f" AND indicator = 'office_staff'",
    )
    assert invoke("assess", server, *sources, "-o", target).exit_code == 1
    changed = invoke("diff", f"{target}?run=previous", target, "--format", "json")
    assert changed.exit_code == 1, changed.output  # something got worse
    data = json.loads(changed.stdout)
    worse = [c for c in data["changes"] if c["change"] == "worse"]
    assert {(c["unit"], c["rule"], c["old"], c["new"]) for c in worse} >= {
        ("360821101", "J-staff-by-pop", "met", "not_met")
    }
    assert data["old_run"]["run_id"] != data["new_run"]["run_id"]
    assert {"pack": "jian", "rule": "J-staff-by-pop"}.items() <= next(
        c for c in data["counts"] if c["rule"] == "J-staff-by-pop"
    ).items()
    markdown = invoke(
        "diff", f"{target}?run=previous", target, "--format", "markdown", "--lang", "zh"
    )
    assert "| 360821101 | jian | J-staff-by-pop | 变差 | 达标 | 未达标 |" in markdown.stdout
    missing = invoke("diff", f"{target}?run=nonesuch", target)
    assert missing.exit_code == 2
    assert "no run nonesuch (the table holds 2 runs)" in missing.stderr


def test_round_trip_of_a_city_scale_dataset(
    server: str, schema: str, installed: Registry, city: Path, tmp_path: Path
) -> None:
    """The generated city (about 2,700 units) through the database gives the findings
    of its CSV files: the diff of the two runs is empty."""
    tables = read_tables(city, installed.indicators)
    write_tables(
        tables, server, installed.indicators, units=f"{schema}.units", facts=f"{schema}.facts"
    )
    sources = ["--units", f"{schema}.units", "--facts", f"{schema}.facts", "--what-if"]
    target = f"{server}/{schema}.findings"
    assert invoke("assess", server, *sources, "-o", target).exit_code in (1, 3)
    parquet = tmp_path / "city.parquet"
    assert invoke(
        "assess", str(city), "--what-if", "--format", "parquet", "-o", str(parquet)
    ).exit_code in (1, 3)
    result = invoke("diff", str(parquet), target, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["changes"] == []
    assert data["old_run"]["rules"] == data["new_run"]["rules"]  # the same rule texts
    written = query(server, f"SELECT count(*) FROM {schema}.findings").item()
    assert written == pl.read_parquet(parquet).height > 10_000


def test_validate_and_targets_read_the_database(
    server: str, schema: str, installed: Registry
) -> None:
    example = ROOT / "examples" / "jian-2018.yaml"
    load_example(server, schema, example, installed)
    sources = ["--units", f"{schema}.units", "--facts", f"{schema}.facts"]
    valid = invoke("validate", server, *sources)
    assert valid.exit_code == 0, valid.output
    assert "26 units, 95 facts" in valid.stdout
    assert pg_server.PASSWORD not in valid.stdout
    from_db = invoke("targets", server, *sources, "--format", "jsonl")
    from_file = invoke("targets", str(example), "--format", "jsonl")
    assert from_db.exit_code == from_file.exit_code == 0, from_db.output
    assert sorted(from_db.stdout.splitlines()) == sorted(from_file.stdout.splitlines())


def test_every_kind_of_value_survives_the_round_trip(
    server: str, schema: str, installed: Registry
) -> None:
    """A rate under one (written ``0.5%``: bare, it would be ambiguous), an empty
    checklist (``none``) and every other value: the tables read back are the ones
    written."""
    from minzheng.model import Kind

    tables = read_tables(ROOT / "examples" / "songming-2023.yaml", installed.indicators)
    rate = next(n for n, i in installed.indicators.items() if i.kind is Kind.RATE)
    items = next(n for n, i in installed.indicators.items() if i.kind is Kind.ITEMS)
    county = tables.units.filter(pl.col("level") == "county").get_column("code")[0]
    extra = pl.DataFrame(
        {"unit": [county, county], "indicator": [rate, items], "period": ["2022", "2022"],
         "end": [date(2022, 12, 31)] * 2, "value": ["0.5", ""]},
        schema=tables.facts.schema,
    )  # fmt: skip
    tables = attrs.evolve(tables, facts=pl.concat([tables.facts, extra]))
    write_tables(
        tables, server, installed.indicators, units=f"{schema}.units", facts=f"{schema}.facts"
    )
    back = read_database(server, installed.indicators, units=f"{schema}.units",
                         facts=f"{schema}.facts")  # fmt: skip
    key = ["unit", "indicator", "period"]
    assert back.facts.sort(key).equals(tables.facts.sort(key))
    assert back.units.sort("code").drop("idx").equals(tables.units.sort("code").drop("idx"))


def test_no_pack_covering_a_database_unit_is_an_error_and_writes_nothing(
    server: str, schema: str, installed: Registry
) -> None:
    load_example(server, schema, ROOT / "examples" / "jian-2018.yaml", installed)
    sources = ["--units", f"{schema}.units", "--facts", f"{schema}.facts"]
    target = f"{server}/{schema}.findings"
    result = invoke("assess", server, *sources, "--pack", "songming", "-o", target)
    assert result.exit_code == 2, result.output
    assert "--what-if" in result.stderr
    tables = f"SELECT count(*) FROM pg_tables WHERE tablename LIKE 'findings%' AND schemaname = '{schema}'"
    assert query(server, tables).item() == 0
