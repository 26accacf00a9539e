"""`python -m localdev.registrations` (`make registrations`).

Lists the registrations stored by the running local mode.

Personal data (names, NEQ, e-mail, phone) stays hidden unless asked for.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from botocore.exceptions import BotoCoreError, ClientError
from forms_api import keys

from localdev import state
from localdev.standin import dynamodb_client

COLUMNS = ("reference", "created_at", "kind", "phase", "branch", "sector", "region")
PERSONAL_COLUMNS = ("legal_name", "neq", "contact_name", "email", "phone")


def stored_registrations(client: Any, table_name: str) -> Iterator[dict[str, str]]:
    """Each registration or waitlist item, attribute → plain text.

    A Scan is fine on a local table of test records; the deployed staff tools query by branch.
    """
    paginator = client.get_paginator("scan")
    pages = paginator.paginate(
        TableName=table_name,
        FilterExpression="sk = :registration",
        ExpressionAttributeValues={":registration": {"S": keys.REGISTRATION_SORT}},
    )
    for page in pages:
        for item in page["Items"]:
            yield {name: _plain(value) for name, value in item.items()}


def _plain(value: dict[str, Any]) -> str:
    kind, data = next(iter(value.items()))
    if kind == "BOOL":
        return "yes" if data else "no"
    if kind == "NULL":
        return ""
    return str(data)


def render(rows: Sequence[dict[str, str]], columns: Sequence[str], out: TextIO) -> None:
    """An aligned text table, oldest first."""
    ordered = sorted(rows, key=lambda row: row.get("created_at", ""))
    widths = [max([len(name), *(len(row.get(name, "")) for row in ordered)]) for name in columns]
    print(
        "  ".join(name.ljust(width) for name, width in zip(columns, widths, strict=True)), file=out
    )
    for row in ordered:
        cells = (
            row.get(name, "").ljust(width) for name, width in zip(columns, widths, strict=True)
        )
        print("  ".join(cells).rstrip(), file=out)
    print(f"{len(ordered)} registration(s)", file=out)


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m localdev.registrations", description=__doc__)
    parser.add_argument(
        "--show-personal", action="store_true", help="also show names, NEQ, e-mail and phone"
    )
    parser.add_argument("--state-file", type=Path, default=state.STATE_FILE)
    arguments = parser.parse_args(argv)
    running = state.read(arguments.state_file)
    if running is None:
        print("The local mode is not running: start it with `make dev`.", file=sys.stderr)
        return 1
    columns = COLUMNS + PERSONAL_COLUMNS if arguments.show_personal else COLUMNS
    client = dynamodb_client(running.dynamodb_endpoint)
    try:
        rows = list(stored_registrations(client, running.tables["ProgramTable"]))
    except (BotoCoreError, ClientError) as error:
        print(f"The local mode at {running.url} does not answer ({error}).", file=sys.stderr)
        return 1
    render(rows, columns, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
