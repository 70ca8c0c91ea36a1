"""Run one query on a SQLite file through ADBC and write the rows to stdout as an Arrow stream.

The ADBC SQLite driver carries its own copy of the SQLite library. Two copies in one process
break each other's file locks (sqlite.org/howtocorrupt.html, "multiple copies of SQLite"),
so the dashboard and the command line, which use Python's sqlite3, run this file in a child
process (`python .../arrow_read.py`, {"path", "query", "parameters", "timestamps",
"categories"} as JSON on stdin). It imports nothing of the package and not ADBC's DB-API
layer, so that it starts fast; it turns the text timestamps and categories into Arrow types
before sending, so that little crosses the pipe.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def main() -> int:
    """Read the request from stdin, write the Arrow stream to stdout; errors go to stderr."""
    import pyarrow as pa

    request = json.load(sys.stdin)
    table = read_table(
        request["path"],
        request["query"],
        request["parameters"],
        timestamps=request.get("timestamps", []),
        categories=request.get("categories", []),
    )
    with pa.ipc.new_stream(sys.stdout.buffer, table.schema) as writer:
        writer.write_table(table)
    return 0


def read_table(
    path: str,
    query: str,
    parameters: list[Any],
    *,
    timestamps: list[str],
    categories: list[str],
) -> Any:
    """Return the query's rows as an Arrow table (see `typed`). In-process only when no other
    SQLite connection to the file is open in this process."""
    import adbc_driver_sqlite
    import pyarrow as pa
    from adbc_driver_manager import AdbcConnection, AdbcStatement

    database = adbc_driver_sqlite.connect(path)
    connection = AdbcConnection(database)
    statement = AdbcStatement(connection)
    try:
        statement.set_sql_query(query)
        if parameters:
            names = [str(index) for index in range(len(parameters))]
            statement.bind(pa.record_batch([pa.array([p]) for p in parameters], names=names))
        stream, _ = statement.execute_query()
        table = pa.RecordBatchReader._import_from_c(stream.address).read_all()
    finally:
        statement.close()
        connection.close()
        database.close()
    return typed(table, timestamps, categories)


def typed(table: Any, timestamps: list[str], categories: list[str]) -> Any:
    """Return the table with text timestamps (naive UTC) as timestamps, '' as null, and the
    category columns dictionary-encoded."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = {}
    for name in table.column_names:
        values = table.column(name)
        if name in timestamps or name in categories:
            if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
                values = pc.if_else(pc.equal(values, ""), pa.scalar(None, values.type), values)
            elif not pa.types.is_timestamp(values.type):
                # No rows at all: the driver types every column as an integer.
                values = pa.nulls(len(values), pa.string())
            if name in timestamps:
                values = pc.cast(values, pa.timestamp("us"))
            else:
                values = pc.dictionary_encode(values.cast(pa.string()))
        columns[name] = values
    return pa.table(columns)


if __name__ == "__main__":
    sys.exit(main())
