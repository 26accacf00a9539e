"""`python -m progress recount|peers|seed` — « Le programme en chiffres »' snapshot, the
peers' medians of the assessment result page, and a synthetic population
(docs/decisions/2026-12-01-program-in-numbers.md, 2026-12-01-results-over-time.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from content_model import load_content

from progress.recount import recount, snapshot, write_snapshot
from progress.source import MemoryProgressSource, ProgressSource

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SNAPSHOT = REPO_ROOT / "build" / "progress" / "snapshot.json"
DEFAULT_DATA = REPO_ROOT / "content" / "data"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m progress", description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="content/data")
    commands = parser.add_subparsers(dest="command", required=True)

    count = commands.add_parser(
        "recount", help="recompte tout / recount everything → snapshot JSON"
    )
    where = count.add_mutually_exclusive_group()
    where.add_argument("--local", action="store_true", help="the running `make dev`'s table")
    where.add_argument("--from-json", type=Path, help="items written by `seed --json`")
    where.add_argument("--table", default=os.environ.get("TABLE_NAME"), help="program table")
    count.add_argument("--out", type=Path, default=DEFAULT_SNAPSHOT)
    count.add_argument(
        "--synthetic", action="store_true", help="mark the figures fictitious (always for a seed)"
    )

    peers = commands.add_parser(
        "peers", help="médianes des pairs / the peers' medians → one item (AGG#peers)"
    )
    into = peers.add_mutually_exclusive_group()
    into.add_argument("--local", action="store_true", help="the running `make dev`'s table")
    into.add_argument("--table", default=os.environ.get("TABLE_NAME"), help="program table")
    peers.add_argument(
        "--from-json", type=Path, help="read items written by `seed --json` instead of the table"
    )
    peers.add_argument(
        "--out", type=Path, help="also write the document to this JSON file (no table: only)"
    )

    seed = commands.add_parser("seed", help="une population fictive / a synthetic population")
    seed.add_argument("--count", type=int, default=3000)
    seed.add_argument("--seed", type=int, default=2026)
    target = seed.add_mutually_exclusive_group(required=True)
    target.add_argument("--local", action="store_true", help="into the running `make dev`")
    target.add_argument("--json", type=Path, help="into a JSON file")
    return parser


def _staff_store(args: argparse.Namespace) -> Any:
    from staff.dynamo import DynamoStaffStore, local_settings

    if args.local:
        endpoint, table, region = local_settings()
        return DynamoStaffStore(table, endpoint_url=endpoint, region=region)
    if not args.table:
        raise SystemExit(
            "Table requise / table needed: --table, TABLE_NAME, --local or --from-json."
        )
    return DynamoStaffStore(args.table)


def run_recount(args: argparse.Namespace) -> int:
    content = load_content(args.data)
    started = time.perf_counter()
    store: Any = None
    source: ProgressSource
    if args.from_json:
        source = MemoryProgressSource(json.loads(args.from_json.read_text(encoding="utf-8")))
    else:
        from progress.source import DynamoProgressSource

        store = _staff_store(args)
        source = DynamoProgressSource(store.table)
    now = datetime.now(UTC)
    tally_ = recount(source, content, now)
    synthetic = args.synthetic or args.from_json is not None or args.local
    document = snapshot(tally_, content, now, synthetic=synthetic)
    write_snapshot(document, args.out)
    businesses = sum(tally_.registrations.values())
    if store is not None:
        from staff.audit import record

        # Codes and counts only: the recount reads no personal data.
        record(store, "progress-recount", businesses)
    seconds = time.perf_counter() - started
    print(f"{args.out} : {businesses} inscriptions / registrations, {seconds:.2f} s")
    return 0


def run_peers(args: argparse.Namespace) -> int:
    """Read from the table (or a seed's JSON), write the item into the table (`--local`,
    `--table`) and/or the document into `--out`."""
    from progress.peer_refresh import businesses_document, refresh_peers

    content = load_content(args.data)
    started = time.perf_counter()
    now = datetime.now(UTC)
    has_table = args.local or bool(args.table)
    if not has_table and args.out is None:
        raise SystemExit(
            "Destination requise / destination needed: --local, --table, TABLE_NAME or --out."
        )
    store = _staff_store(args) if has_table else None
    source: ProgressSource
    if args.from_json:
        source = MemoryProgressSource(json.loads(args.from_json.read_text(encoding="utf-8")))
    else:
        from progress.source import DynamoProgressSource

        if store is None:
            raise SystemExit("Table requise / table needed: --table, TABLE_NAME or --local.")
        source = DynamoProgressSource(store.table)
    if store is not None:
        document = refresh_peers(source, store.table, content, now)
        from staff.audit import record

        record(store, "progress-peers", sum(len(g) for g in document["groups"].values()))
    else:
        document = businesses_document(source, content, now)
    if args.out is not None:
        write_snapshot(document, args.out)
    seconds = time.perf_counter() - started
    shown = ", ".join(f"{kind} {len(found)}" for kind, found in document["groups"].items())
    print(f"pairs / peers (k={document['k']}) : {shown} groupes / groups, {seconds:.2f} s")
    return 0


def run_seed(args: argparse.Namespace) -> int:
    from progress.seed import population

    content = load_content(args.data)
    items = list(population(content, args.count, args.seed))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(items, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        # Only ever the local stand-in: a synthetic population never goes into a real table.
        store = _staff_store(argparse.Namespace(local=True, table=None))
        with store.table.batch_writer() as batch:
            for item in items:
                batch.put_item(Item={k: v for k, v in item.items() if v is not None})
    print(f"{args.count} commerces fictifs / fake businesses, {len(items)} items")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "recount":
        return run_recount(args)
    if args.command == "peers":
        return run_peers(args)
    return run_seed(args)


if __name__ == "__main__":
    sys.exit(main())
