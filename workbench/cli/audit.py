"""``workbench audit verify|show``: check the audit log's hash chain and list its entries."""

from __future__ import annotations

from workbench.cli.common import Context, add_group, period
from workbench.domain.audit import AuditAction
from workbench.store import audit as audit_log

ORDER = 85


def register(subparsers, parent) -> None:
    group = add_group(subparsers, "audit", "the tamper-evident audit log: verify and list", parent)

    p = group.add_parser("verify", parents=[parent], help="check the audit log's hash chain",
                         description="Recompute the hash chain of the whole audit log and report the first "
                                     "entry that was edited, deleted or moved with any SQLite tool. The text "
                                     "output ends with the newest entry's hash: note it outside the store "
                                     "(e.g. in the TTCG minutes) to anchor the chain.")
    p.set_defaults(handler=_verify, text=_verify_text)

    p = group.add_parser("show", parents=[parent], help="list audit entries (newest first)",
                         description="List the audit log's entries, newest first: when, who (the login), "
                                     "what, on which object, and the detail recorded.")
    p.add_argument("--since", metavar="D", help="entries from date D (or month) onwards (UTC)")
    p.add_argument("--action", choices=[a.value for a in AuditAction], metavar="A",
                   help="only entries of this action, e.g. export.intel or patp.approve")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="at most N entries")
    p.set_defaults(handler=_show, text=_show_text)


def _verify(args, ctx: Context) -> dict:
    store = ctx.store()
    result = audit_log.verify(store)
    newest = audit_log.head(store)
    ctx.message(f"newest entry #{newest['last_id']}, hash {newest['hash'] or '(none)'}")
    return result


def _verify_text(result: dict) -> str:
    if result["ok"]:
        return f"Audit log intact: {result['entries']:,} entries, every hash and link checks."
    return (f"AUDIT LOG TAMPERED: {result['entries']:,} entries; the chain breaks at entry "
            f"#{result['first_bad']} (edited, deleted or moved outside Workbench).")


def _show(args, ctx: Context) -> dict:
    action = AuditAction(args.action) if args.action else None
    found = audit_log.entries(ctx.store(), since=period(args.since), action=action, limit=args.limit)
    return {"entries": found}


def _show_text(result: dict) -> str:
    if not result["entries"]:
        return "No audit entries match."
    lines = []
    for e in result["entries"]:
        target = f"{e['object_type']} {e['object_id']}" if e["object_id"] else e["object_type"]
        lines.append(f"#{e['id']:<6} {e['at']}  {e['user']:<16} {e['action']:<20} {target}")
    return "\n".join(lines)
