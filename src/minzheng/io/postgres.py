"""PostgreSQL: a dataset read from two tables or queries, through ADBC.

``read_database("postgresql://user@host/db", indicators, units="units", facts="facts")``
reads the units and the facts (either layout, as in a CSV folder: ``unit, indicator,
period, value`` or one column per indicator) and checks them as any dataset is checked;
:mod:`minzheng.report.database` writes findings back. :func:`write_tables` loads a
dataset read from files into two such tables (the long layout), to start from.

The driver is ADBC's PostgreSQL driver (``pip install 'minzheng[postgresql]'``): it both
reads and writes (connectorx only reads), returns Arrow data that polars takes without
copying and without pyarrow, gives ``numeric`` values as their exact text, and is built
on libpq, so the connection is made as ``psql`` makes it — the URI's own parameters,
then ``PGHOST``, ``PGUSER``, ``PGPASSWORD``, ``PGSERVICE`` and the rest, and the password
file (``~/.pgpass`` or ``PGPASSFILE``). A password never appears in a message: every URI
is shown with ``***`` in its place (:func:`redact`).

A source is a table name (``units``, ``civil.units``), read whole with its rows in the
order of their key (units by code, facts by unit, indicator and period), or a query
(``SELECT …``, ``WITH …``, ``VALUES …``, ``TABLE …``), whose rows keep the order it
gives them. Messages name the database, the table or query, the row, the unit and the
column.

Columns may be text, integers, ``numeric``, ``date`` or ``boolean``; a ``real`` or
``double precision`` column is refused (a value must be exact).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from minzheng.errors import MessageError, MissingExtra
from minzheng.i18n import msg

if TYPE_CHECKING:
    import polars as pl

    from minzheng.io.tables import Tables
    from minzheng.model import Indicator

__all__ = [
    "SCHEMES",
    "TABLES_DDL",
    "connect",
    "fetch",
    "ingest",
    "is_database",
    "quote_name",
    "read_database",
    "redact",
    "redact_text",
    "split_table",
    "transaction",
    "write_tables",
]

#: The URI schemes of a PostgreSQL connection (libpq's).
SCHEMES = ("postgresql://", "postgres://")

_NAME = re.compile(r"^[^\W\d]\w*(\.[^\W\d]\w*)?$")
_QUERY = re.compile(r"^\s*\(?\s*(select|with|values|table)\b", re.IGNORECASE)
_KEYS = {"units": ("code",), "facts": ("unit", "indicator", "period")}


def is_database(source: str | object) -> bool:
    """Whether ``source`` is a PostgreSQL URI rather than a file."""
    return isinstance(source, str) and source.lower().startswith(SCHEMES)


def redact(uri: str) -> str:
    """``uri`` with its password (in the user part or a ``password=`` parameter)
    shown as ``***``: the only form in which a URI is ever printed or logged."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", uri)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        netloc = f"{user}@{host}"
    query = [(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query, True)]
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, safe="/*")))


_IN_TEXT = (
    (re.compile(r"(postgres(?:ql)?://[^:/@\s]*:)\S*@", re.IGNORECASE), r"\1***@"),
    (re.compile(r"(password=)[^&\s]*", re.IGNORECASE), r"\1***"),
)


def redact_text(text: str) -> str:
    """Any text (a command line, a log) with the password of every PostgreSQL URI in
    it, and every ``password=`` parameter, shown as ``***``."""
    for pattern, replacement in _IN_TEXT:
        text = pattern.sub(replacement, text)
    return text


def _secrets(uri: str) -> list[str]:
    """The password of ``uri`` as it may appear in a driver's message."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return []
    found = [parts.password] if parts.password else []
    found += [v for k, v in parse_qsl(parts.query) if k == "password" and v]
    return found


def _clean(text: str, uri: str) -> str:
    """A driver's message, its first line, with the password removed."""
    for secret in _secrets(uri):
        text = text.replace(secret, "***")
    text = redact_text(text).strip()
    return text.splitlines()[0] if text else text


def split_table(uri: str) -> tuple[str, str]:
    """A URI naming a table, ``postgresql://…/DATABASE/TABLE`` (``TABLE`` may be
    ``schema.table``), as the connection's URI and the table's name."""
    parts = urlsplit(uri)
    database, _, table = parts.path.lstrip("/").partition("/")
    if not table or not _NAME.match(table):
        raise MessageError(msg("db.err.no_table", uri=redact(uri)))
    return urlunsplit(parts._replace(path=f"/{database}")), table


def quote_name(name: str) -> str:
    """A table name (``units`` or ``schema.units``) quoted for SQL."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


@contextmanager
def connect(uri: str) -> Iterator[Any]:
    """A DB-API connection to ``uri`` (not in autocommit: nothing is written until
    ``commit``), closed on leaving; a clear error when the driver is missing or the
    server cannot be reached."""
    try:
        from adbc_driver_postgresql import dbapi
    except ImportError:
        raise MissingExtra("postgresql", "PostgreSQL") from None
    try:
        connection = dbapi.connect(uri)
    except Exception as exc:  # the driver's errors carry no common base beyond this
        raise MessageError(
            msg("db.err.connect", uri=redact(uri), reason=_clean(str(exc), uri))
        ) from None
    try:
        yield connection
    finally:
        connection.close()


@contextmanager
def transaction(uri: str, shown: str | None = None) -> Iterator[Any]:
    """A cursor whose work is committed on leaving, or rolled back with an error
    naming ``shown`` (default: ``uri``) and saying nothing was changed."""
    with connect(uri) as connection:
        try:
            with connection.cursor() as cursor:
                yield cursor
            connection.commit()
        except Exception as exc:  # the driver's errors carry no common base beyond this
            connection.rollback()
            reason = _clean(str(exc), uri)
            raise MessageError(
                msg("db.err.write", uri=redact(shown or uri), reason=reason)
            ) from None


def fetch(connection: Any, sql: str, uri: str, params: tuple[object, ...] = ()) -> pl.DataFrame:
    """The rows ``sql`` returns as a polars DataFrame (``numeric`` columns as their
    exact text); a failed query is an error naming it and the database."""
    import polars as pl

    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or None)
            frame = pl.DataFrame(cursor.fetch_arrow())
    except Exception as exc:
        connection.rollback()
        raise MessageError(
            msg("db.err.query", uri=redact(uri), query=_short(sql), reason=_clean(str(exc), uri))
        ) from None
    numeric = [
        name
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Extension) and '"numeric"' in str(dtype)
    ]
    return frame.with_columns(pl.col(c).ext.storage() for c in numeric) if numeric else frame


def _short(sql: str) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= 120 else sql[:100] + "…"


def _select(source: str, what: str) -> tuple[str, bool]:
    """The SQL of a table name or query, and whether it is a table."""
    if _NAME.match(source):
        return f"SELECT * FROM {quote_name(source)}", True
    if _QUERY.match(source):
        return source, False
    raise MessageError(msg("db.err.table_or_query", option=f"--{what}", found=_short(source)))


def _read(connection: Any, uri: str, source: str, what: str) -> tuple[pl.DataFrame, str]:
    """One source's rows and the label messages give it."""
    sql, is_table = _select(source, what)
    frame = fetch(connection, sql, uri)
    if is_table:
        keys = [c for c in _KEYS[what] if c in frame.columns]
        if keys:
            frame = frame.sort(keys, nulls_last=True, maintain_order=True)
        return frame, f"{redact(uri)} ({source})"
    return frame, f"{redact(uri)} (--{what} query)"


def read_database(
    uri: str, indicators: Mapping[str, Indicator], *, units: str = "units", facts: str = "facts"
) -> Tables:
    """Read and check a dataset from PostgreSQL (see the module's docstring): ``units``
    and ``facts`` are each a table name or a query. Raises
    :class:`~minzheng.DatasetError` naming every problem, or
    :class:`~minzheng.errors.MessageError` when the database cannot be read."""
    from minzheng.io.tables import Origin, tables_from_frames

    with connect(uri) as connection:
        unit_rows, units_label = _read(connection, uri, units, "units")
        fact_rows, facts_label = _read(connection, uri, facts, "facts")
    name = urlsplit(uri).path.lstrip("/") or "postgresql"
    origin = Origin((units_label, facts_label), name=name, source=redact(uri), first_row=1)
    return tables_from_frames(unit_rows, fact_rows, indicators, origin)


#: The tables :func:`write_tables` creates (the long layout; every value as text, as in
#: a CSV file: read back, each is checked against its indicator).
TABLES_DDL = (
    "CREATE TABLE {units} (code text PRIMARY KEY, name text NOT NULL, level text NOT NULL,"
    " parent text, area text, type text)",
    "CREATE TABLE {facts} (unit text NOT NULL, indicator text NOT NULL, period text,"
    " value text NOT NULL)",
)


def ingest(cursor: Any, table: str, frame: pl.DataFrame) -> None:
    """Append ``frame``'s rows to an existing ``table`` (``name`` or ``schema.name``)
    by the driver's bulk copy."""
    schema, _, name = table.rpartition(".")
    cursor.adbc_ingest(name, frame, mode="append", db_schema_name=schema or None)


def _fact_rows(facts: pl.DataFrame, indicators: Mapping[str, Indicator]) -> pl.DataFrame:
    """The facts as a CSV file writes them, which reading checks again: a rate with its
    sign (``0.5%``: the tables hold it without), an empty checklist as ``none`` (an
    empty cell is a missing value)."""
    import polars as pl

    from minzheng.model import Kind

    signs = {name: i.measure for name, i in indicators.items() if i.kind is Kind.RATE}
    value = pl.col("value")
    sign = pl.col("indicator").replace_strict(signs, default="", return_dtype=pl.String)
    written = pl.when(value == "").then(pl.lit("none")).otherwise(pl.concat_str(value, sign))
    return facts.select("unit", "indicator", "period", written.alias("value"))


def write_tables(
    tables: Tables,
    uri: str,
    indicators: Mapping[str, Indicator],
    *,
    units: str = "units",
    facts: str = "facts",
) -> None:
    """Write a dataset's tables (:func:`minzheng.io.tables.read_tables` with the same
    ``indicators``) into two new tables of the database at ``uri``
    (:data:`TABLES_DDL`), each value as a CSV file writes it, in one transaction; an
    error if either table exists."""
    names = {"units": quote_name(units), "facts": quote_name(facts)}
    with transaction(uri) as cursor:
        for statement in TABLES_DDL:
            cursor.execute(statement.format(**names))
        unit_columns = ("code", "name", "level", "parent", "area", "type")
        ingest(cursor, units, tables.units.select(unit_columns))
        ingest(cursor, facts, _fact_rows(tables.facts, indicators))
