"""The command path's statements, run straight on the driver's cursor.

A command executes a dozen small statements; through SQLAlchemy's execution context each
costs some 40–80 µs of Python before and after the driver's own work, more than the
statement itself on either database. A :class:`DirectStatement` is a Core statement
compiled once per dialect and then executed on the session's DBAPI connection (inside the
session's transaction), its parameters bound and its results read with SQLAlchemy's own
type processors, so values are stored and read back exactly as through SQLAlchemy. Driver
errors are raised as SQLAlchemy's exception types, and a lost connection is invalidated,
as SQLAlchemy itself would. ``before_cursor_execute`` listeners still see each statement
(statement counters, logging); nothing else of the execution context exists here.

Only plain statements fit: fixed bind parameters (no expanding ``IN``), no defaults that
SQLAlchemy would compute in Python (every inserted column is given), and results read as
tuples with attribute access.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import Select, UpdateBase

Statement = Select[Any] | UpdateBase

__all__ = ["DirectStatement", "WriteBatch", "Written", "pipelined", "read_together"]

Params = Mapping[str, Any]
Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positions: tuple[str, ...] | None  # qmark drivers (sqlite3): the order of the values
    fixed: dict[str, Any]  # the values written into the statement itself (``status="open"``)
    binders: tuple[tuple[str, Processor], ...]
    readers: tuple[Processor | None, ...]
    row_type: Any

    def bind(self, params: Params) -> Any:
        values = self.fixed | dict(params) if self.fixed else dict(params)
        for name, process in self.binders:
            if name in values:
                values[name] = process(values[name])
        if self.positions is None:
            return values
        return tuple(values[name] for name in self.positions)

    def read(self, raw: Sequence[Any]) -> Any:
        return self.row_type._make(
            value if reader is None else reader(value)
            for reader, value in zip(self.readers, raw, strict=True)
        )


class Written:
    """A write sent (or to be sent) to the database."""

    def __init__(self, cursor: Any = None) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        """How many rows it changed; inside :func:`pipelined`, known only after the block."""
        if self._cursor is None:
            raise RuntimeError("the write has not been sent yet")
        return int(self._cursor.rowcount)


@contextmanager
def pipelined(connection: Connection) -> Iterator[None]:
    """Send the block's writes to PostgreSQL without waiting for each answer (psycopg's
    pipeline mode): the answers come back together at the end of the block, where row
    counts become known and the first error is raised, as SQLAlchemy's exception type.
    Only :class:`DirectStatement` writes belong inside (a read would wait for everything
    sent before it; an ORM or Core statement cannot run in pipeline mode). On SQLite,
    whose statements are function calls, the block runs as it is."""
    pipeline = getattr(connection.connection.dbapi_connection, "pipeline", None)
    if pipeline is None:
        yield
        return
    try:
        with pipeline():
            yield
    except connection.dialect.loaded_dbapi.Error as error:
        raise _translated(connection, "(pipelined writes)", None, error, None) from error


class DirectStatement:
    """A Core statement compiled once per dialect, executed on the DBAPI cursor."""

    def __init__(self, statement: Statement) -> None:
        self._statement = statement
        self._compiled: dict[str, _Compiled] = {}

    @classmethod
    def insert(cls, table: Table, columns: Iterable[str]) -> DirectStatement:
        """``INSERT INTO table (columns…)``, every value given, nothing returned."""
        return cls(insert(table).inline().values({c: bindparam(c) for c in columns}))

    def execute(self, connection: Connection, params: Params) -> Written:
        """Run it once; the rows it changed are counted once the database has answered."""
        return Written(self._run(connection, params, many=False))

    def execute_many(self, connection: Connection, params: Sequence[Params]) -> None:
        """Run it once for each set of parameters (the driver's executemany)."""
        if params:
            self._run(connection, params, many=True)

    def rows(self, connection: Connection, params: Params) -> list[Any]:
        """Run a SELECT; its rows as named tuples of processed values."""
        return self._fetch(connection, self._run(connection, params, many=False))

    def _fetch(self, connection: Connection, cursor: Any) -> list[Any]:
        compiled = self._for(connection.dialect)
        return [compiled.read(raw) for raw in cursor.fetchall()]

    def _run(self, connection: Connection, params: Any, many: bool) -> Any:
        dialect = connection.dialect
        compiled = self._for(dialect)
        bound = [compiled.bind(p) for p in params] if many else compiled.bind(params)
        dbapi_connection = connection.connection.dbapi_connection
        assert dbapi_connection is not None, "the session's connection is open"
        cursor = dbapi_connection.cursor()
        if connection.dispatch.before_cursor_execute:
            connection.dispatch.before_cursor_execute(
                connection, cursor, compiled.sql, bound, None, many
            )
        try:
            if many:
                cursor.executemany(compiled.sql, bound)
            else:
                cursor.execute(compiled.sql, bound)
        except dialect.loaded_dbapi.Error as error:
            raise _translated(connection, compiled.sql, bound, error, cursor) from error
        return cursor

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _compile(self._statement, dialect)
        return compiled


def read_together(
    connection: Connection, *reads: tuple[DirectStatement, Params]
) -> list[list[Any]]:
    """Several SELECTs sent at once (one round trip on PostgreSQL, each with its own
    snapshot, in order); the rows of each, in the order given."""
    with pipelined(connection):
        cursors = [statement._run(connection, params, many=False) for statement, params in reads]
    return [
        statement._fetch(connection, cursor)
        for (statement, _), cursor in zip(reads, cursors, strict=True)
    ]


class WriteBatch:
    """A command's writes, gathered while it works out what to write (its reads done
    meanwhile), then sent together: pipelined on PostgreSQL, one round trip for all."""

    def __init__(self) -> None:
        self._writes: list[tuple[DirectStatement, Any, Written | None]] = []

    def add(self, statement: DirectStatement, rows: Sequence[Params]) -> None:
        """One write per row (executemany); nothing when there are no rows."""
        if rows:
            self._writes.append((statement, list(rows), None))

    def add_one(self, statement: DirectStatement, params: Params) -> Written:
        """One write whose row count matters: known once the batch is sent."""
        written = Written()
        self._writes.append((statement, params, written))
        return written

    def send(self, connection: Connection) -> None:
        with pipelined(connection):
            for statement, params, written in self._writes:
                if written is None:
                    statement.execute_many(connection, params)
                else:
                    written._cursor = statement._run(connection, params, many=False)
        self._writes.clear()


def _compile(statement: Statement, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    binders = tuple(
        (name, process)
        for name, bind in compiled.binds.items()
        if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )
    readers: tuple[Processor | None, ...] = ()
    names: list[str] = []
    if isinstance(statement, Select):
        columns = list(statement.selected_columns)
        names = [str(column.key) for column in columns]
        readers = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        )
    positions = tuple(compiled.positiontup) if compiled.positiontup is not None else None
    fixed = {name: b.effective_value for name, b in compiled.binds.items() if not b.required}
    row_type = namedtuple("Row", names, rename=True)  # type: ignore[misc]
    return _Compiled(compiled.string, positions, fixed, binders, readers, row_type)


def _translated(
    connection: Connection, sql: str, params: Any, error: Exception, cursor: Any
) -> sa_exc.StatementError:
    """The driver's error as SQLAlchemy raises it; a lost connection is invalidated."""
    dialect = connection.dialect
    dbapi_connection = connection.connection.dbapi_connection
    disconnected = dialect.is_disconnect(error, dbapi_connection, cursor)  # type: ignore[arg-type]
    if disconnected:
        connection.invalidate(error)
    return sa_exc.DBAPIError.instance(
        sql,
        params,
        error,
        dialect.loaded_dbapi.Error,
        connection_invalidated=disconnected,
        dialect=dialect,
    )
