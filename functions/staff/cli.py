"""Command line of the staff tools: argument parsing and output only; the work is
in `exports`, `summary` and `privacy`, the storage in `dynamo`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from forms_api import keys
from forms_api.domain.errors import RuleViolation

from staff import audit, coaching, exports, privacy, resend, summary
from staff.content import load_content
from staff.ports import StaffStore
from staff.retention import live

StoreFactory = Callable[[argparse.Namespace], StaffStore]
NotifierFactory = Callable[[argparse.Namespace], resend.Invoke]

EPOCH = date(2020, 1, 1)  # before the program existed: "from the start"


def write_private(path: Path, data: bytes) -> None:
    """Write a file of personal data readable by its owner only (0600)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def default_store(args: argparse.Namespace) -> StaffStore:
    from staff.dynamo import DynamoStaffStore, local_idempotency_table, local_settings

    if args.local:
        endpoint, table, region = local_settings()
        return DynamoStaffStore(
            args.table or table,
            endpoint_url=endpoint,
            region=region,
            idempotency_table=args.idempotency_table or local_idempotency_table(),
        )
    if not args.table:
        raise SystemExit("Table requise / table needed: --table or TABLE_NAME.")
    return DynamoStaffStore(args.table, idempotency_table=args.idempotency_table)


def default_notifier(args: argparse.Namespace) -> resend.Invoke:
    if args.local:
        raise SystemExit(
            "resend appelle la fonction notifier déployée ; le mode local n’envoie pas de"
            " courriels. / resend calls the deployed notifier; the local mode sends no e-mail."
        )
    if not args.notifier:
        raise SystemExit(
            "Fonction requise / function needed: --notifier or NOTIFIER_FUNCTION_NAME."
        )
    return resend.LambdaNotifier(args.notifier)


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--local", action="store_true", help="use the local stand-in (build/localdev.json)"
    )
    common.add_argument(
        "--table",
        default=os.environ.get("TABLE_NAME"),
        help="program table name (default: $TABLE_NAME)",
    )
    common.add_argument(
        "--idempotency-table",
        default=os.environ.get("IDEMPOTENCY_TABLE_NAME"),
        help="idempotency table name, for privacy erase (default: $IDEMPOTENCY_TABLE_NAME)",
    )
    return common


def _lookup_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--email")
    group.add_argument("--neq")
    group.add_argument("--reference")


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="python -m staff",
        description=("Outils du personnel / staff tools: export, summary, coaching, privacy."),
    )
    commands = parser.add_subparsers(dest="command", required=True)

    export = commands.add_parser(
        "export", parents=[common], help="a branch's registrations to CSV (Excel)"
    )
    export.add_argument("--branch", required=True, help="branch code, e.g. mauricie")
    export.add_argument("--from", dest="start", type=date.fromisoformat, default=EPOCH)
    export.add_argument("--to", dest="end", type=date.fromisoformat, default=None)
    export.add_argument("--language", choices=("fr", "en"), default="fr")
    export.add_argument("--output", type=Path, help="CSV file (default: <branch>_<from>_<to>.csv)")

    report = commands.add_parser("summary", parents=[common], help="counts against targets")
    report.add_argument("--from", dest="start", type=date.fromisoformat, default=EPOCH)
    report.add_argument("--to", dest="end", type=date.fromisoformat, default=None)
    report.add_argument("--language", choices=("fr", "en"), default="fr")
    report.add_argument("--json", action="store_true", help="machine-readable output")
    report.add_argument(
        "--no-levels", action="store_true", help="skip assessment levels (one Query less each)"
    )

    preview = commands.add_parser(
        "mail-preview", help="show the automatic e-mails as the content makes them (no AWS)"
    )
    preview.add_argument("--language", choices=("fr", "en"), default="fr")
    preview.add_argument(
        "--kind",
        choices=("registration", "waitlist", "assessment"),
        default="registration",
        help="assessment: the branch's notice of a linked assessment",
    )
    preview.add_argument("--branch", default="mauricie")

    refused = commands.add_parser(
        "mail-refused", parents=[common], help="e-mails SES refused for good, by month"
    )
    refused.add_argument(
        "--month", default=None, help="YYYY-MM of the registrations (default: this month)"
    )

    again = commands.add_parser(
        "resend", parents=[common], help="hand registrations to the notifier again"
    )
    again.add_argument("--reference", action="append", required=True, help="repeatable")
    again.add_argument(
        "--notifier",
        default=os.environ.get("NOTIFIER_FUNCTION_NAME"),
        help="notifier function name (default: $NOTIFIER_FUNCTION_NAME)",
    )

    steps = commands.add_parser(
        "coaching",
        parents=[common],
        help="étapes d’accompagnement d’une inscription / a registration's coaching steps",
        description=(
            "Noter ou afficher les étapes d’accompagnement d’une inscription (sans option :"
            " affiche). / Record or show a registration's coaching steps (no option: show)."
            " Étapes / steps: contacted (premier contact / first contact), first_meeting"
            " (première rencontre / first meeting: the business counts as coached), finished"
            " (accompagnement terminé / coaching finished)."
        ),
    )
    steps.add_argument("reference", help="référence / reference, e.g. VNB-7K3F-9Q2M")
    steps.add_argument(
        "--step", choices=coaching.STEPS, help="étape atteinte / step reached (with --date)"
    )
    steps.add_argument(
        "--date",
        help="jour de l’étape, AAAA-MM-JJ / the step's day, YYYY-MM-DD (défaut / default: today)",
    )
    steps.add_argument(
        "--clear",
        choices=coaching.STEPS,
        action="append",
        default=[],
        help="effacer une étape notée par erreur / remove a step recorded by mistake",
    )
    steps.add_argument(
        "--training-hours",
        help="heures de formation à ce jour (total) / training hours to date (total), e.g. 6",
    )
    steps.add_argument(
        "--coaching-hours",
        help="heures d’accompagnement à ce jour (total) / coaching hours to date (total), e.g. 4.5",
    )

    request = commands.add_parser("privacy", help="privacy requests: find, export, erase")
    actions = request.add_subparsers(dest="action", required=True)
    find = actions.add_parser("find", parents=[common], help="list what is held (no content)")
    _lookup_args(find)
    dump = actions.add_parser("export", parents=[common], help="everything held, as JSON")
    _lookup_args(dump)
    dump.add_argument("--output", type=Path, required=True, help="JSON file to write")
    erase = actions.add_parser("erase", parents=[common], help="delete everything held")
    _lookup_args(erase)
    erase.add_argument("--yes", action="store_true", help="really delete (else: dry run)")
    return parser


def run_export(args: argparse.Namespace, store: StaffStore) -> int:
    content = load_content()
    if args.branch not in content.branch_ids:
        print(f"Succursale inconnue / unknown branch: {args.branch}", file=sys.stderr)
        print("  " + ", ".join(content.branch_ids), file=sys.stderr)
        return 2
    end = args.end or audit.utc_now().date()
    data, count = exports.export_branch(store, args.branch, args.start, end, content, args.language)
    output: Path = args.output or Path(f"{args.branch}_{args.start}_{end}.csv")
    write_private(output, data)
    audit.record(store, "export", count, branch=args.branch)
    print(f"{count} inscription(s) / registration(s) → {output}")
    return 0


def run_summary(args: argparse.Namespace, store: StaffStore) -> int:
    content = load_content()
    end = args.end or audit.utc_now().date()
    registrations, levels = summary.collect(
        store, content, args.start, end, with_levels=not args.no_levels
    )
    result = summary.summarise(registrations, levels, content, args.language)
    if args.json:
        print(json.dumps(summary.to_document(result), ensure_ascii=False, indent=2))
    else:
        print(summary.render_text(result, content, args.language), end="")
    return 0


def coaching_change(args: argparse.Namespace) -> coaching.CoachingChange:
    """The change the options ask for, every value checked (CoachingRefused otherwise)."""
    if args.date is not None and args.step is None:
        raise coaching.CoachingRefused(
            "date_without_step",
            "--date va avec --step (quelle étape ?).",
            "--date goes with --step (which step?).",
        )
    steps = {}
    if args.step is not None:
        day = audit.utc_now().date() if args.date is None else coaching.parse_day(args.date)
        steps[args.step] = day
    hours = {
        name: coaching.parse_hours(text)
        for name, text in (("training", args.training_hours), ("coaching", args.coaching_hours))
        if text is not None
    }
    return coaching.CoachingChange(steps=steps, cleared=tuple(args.clear), hours=hours)


def run_coaching(args: argparse.Namespace, store: StaffStore) -> int:
    reference = coaching.reference_of(store, args.reference)
    try:
        change = coaching_change(args)
        registration, after = coaching.record(store, reference, change, audit.utc_now())
    except coaching.CoachingRefused as refusal:
        print(f"{refusal} — rien n’est changé / nothing changed.", file=sys.stderr)
        return 2
    if not change.empty:
        audit.record(
            store,
            "coaching",
            1,
            branch=str(registration.get("branch", "")),
            changes=",".join(change.names),
        )
    print(f"{reference} ({registration.get('branch', '')})")
    for name in (*coaching.STEPS, *(f"{hours}_hours" for hours in coaching.HOURS)):
        print(f"  {name:<16} {after.get(name, '—')}")
    if not change.empty:
        print("Noté / recorded.")
    return 0


def run_privacy(args: argparse.Namespace, store: StaffStore) -> int:
    lookup = privacy.Lookup(email=args.email, neq=args.neq, reference=args.reference)
    try:
        findings = privacy.find(store, lookup)
    except RuleViolation:
        print("NEQ invalide : 10 chiffres. / Invalid NEQ: 10 digits.", file=sys.stderr)
        return 2
    count = len(findings.items)
    if args.action == "find":
        for pk, sk in findings.keys:
            print(f"  {pk}  {sk}  ({findings.items[(pk, sk)].get('kind', '')})")
        print(f"{count} élément(s) trouvé(s) / item(s) found")
        if findings.expired:
            print(
                f"(+{len(findings.expired)} élément(s) au-delà de la conservation, en attente"
                " de suppression automatique / past retention, awaiting automatic deletion)"
            )
        audit.record(store, "privacy_find", count, lookup=lookup.kind)
        return 0
    if args.action == "export":
        generated_at = audit.utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
        write_private(args.output, privacy.to_json(findings, generated_at).encode("utf-8"))
        audit.record(store, "privacy_export", count, lookup=lookup.kind)
        print(f"{count} élément(s) / item(s) → {args.output}")
        return 0
    erasable = findings.erasable_keys
    records = len(findings.idempotency_keys)
    if not args.yes:
        for pk, sk in erasable:
            print(f"  {pk}  {sk}")
        if records:
            print(f"  + {records} enregistrement(s) d’idempotence / idempotency record(s)")
        total = len(erasable) + records
        print(f"{total} élément(s) à effacer : relancez avec --yes. / to erase: rerun with --yes.")
        return 0
    try:
        deleted = privacy.erase(store, findings)
    except RuntimeError as error:  # IdempotencyTableUnknown: nothing was deleted
        print(error, file=sys.stderr)
        return 2
    audit.record(store, "privacy_erase", deleted, lookup=lookup.kind)
    print(f"{deleted} élément(s) effacé(s) / item(s) erased")
    return 0


def run_mail_refused(args: argparse.Namespace, store: StaffStore) -> int:
    """The month's refusals: reference, which mail, branch and SES's code (no address)."""
    month = args.month or audit.utc_now().strftime("%Y-%m")
    refusals = list(live(store.partition(keys.mail_refused_partition(month)), audit.utc_now()))
    for item in refusals:
        print(
            f"  {item.get('reference')}  {item.get('purpose')}  {item.get('branch')}"
            f"  {item.get('error_code')}  {item.get('refused_at')}"
        )
    print(f"{len(refusals)} courriel(s) refusé(s) / e-mail(s) refused ({month})")
    return 0


def run_resend(args: argparse.Namespace, store: StaffStore, invoke: resend.Invoke) -> int:
    result = resend.resend(store, args.reference, invoke, audit.utc_now())
    for reference in result.handed_over:
        print(f"  {reference}  transmis / handed over")
    for reference in result.failed:
        print(f"  {reference}  ÉCHEC / FAILED (journaux du notifier / notifier logs)")
    for reference in result.not_found:
        print(f"  {reference}  introuvable / not found")
    audit.record(store, "resend", len(result.handed_over))
    return 1 if result.failed else 2 if result.not_found and not result.handed_over else 0


def run_mail_preview(args: argparse.Namespace) -> int:
    """Fill the e-mail templates with a fictional registration, for staff editing them."""
    from forms_api.mailer import mails_for

    example = {
        "reference": "ABCD2345",
        "kind": args.kind,
        "language": args.language,
        "created_at": audit.utc_now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "legal_name": "Entreprise Exemple inc.",
        "contact_name": "Prénom Nom",
        "email": "exemple@example.org",
        "branch": args.branch,
        "sector": "clothing",
        "region": "04",
        "employees": 12,
    }
    content = load_content()
    fallback = "succursale@example.org"
    if args.kind == "assessment":
        from forms_api.mailer import assessment_notice

        dimensions = [dimension.id for dimension in content.questionnaire.dimensions]
        scores = {code: 25 + 10 * index for index, code in enumerate(dimensions)}
        linked = {
            "reference": example["reference"],
            "created_at": example["created_at"],
            "level": content.questionnaire.level_for(round(sum(scores.values()) / len(scores))),
            "score": round(sum(scores.values()) / len(scores)),
            "scores": scores,
        }
        notice = assessment_notice(linked, {**example, "kind": "registration"}, content, fallback)
        mails = [] if notice is None else [notice]
    else:
        mails = mails_for(example, content, "https://example.org", fallback=fallback)
    for mail in mails:
        print(f"To: {', '.join(mail.to)}\nSubject: {mail.subject}\n\n{mail.body}\n{'=' * 72}")
    return 0


def main(
    argv: Sequence[str] | None = None,
    store_factory: StoreFactory = default_store,
    notifier_factory: NotifierFactory = default_notifier,
) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "mail-preview":
        return run_mail_preview(args)
    try:
        store = store_factory(args)
    except RuntimeError as error:  # LocalModeNotRunning
        print(error, file=sys.stderr)
        return 2
    if args.command == "export":
        return run_export(args, store)
    if args.command == "summary":
        return run_summary(args, store)
    if args.command == "mail-refused":
        return run_mail_refused(args, store)
    if args.command == "coaching":
        return run_coaching(args, store)
    if args.command == "resend":
        return run_resend(args, store, notifier_factory(args))
    return run_privacy(args, store)
