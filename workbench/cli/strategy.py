"""``workbench settings show|set`` and ``workbench priorities list|add|retire|requirement``:
the store's settings and the borough's control strategy."""

from __future__ import annotations

from workbench.cli.common import Context, add_group
from workbench.store import strategy as db
from workbench.tasking.settings import (
    SETTINGS,
    SetSetting,
    current_settings,
    role_holders,
)
from workbench.tasking.strategy import AddPriority, AddRequirement, RetirePriority

ORDER = 75


def register(subparsers, parent) -> None:
    group = add_group(subparsers, "settings", "the store's settings (borough, force, marking, TTCG cycle...)",
                      parent)
    p = group.add_parser("show", parents=[parent], help="every setting with its value, and who holds which role",
                         description="Every setting: " + "; ".join(f"{k} ({s.help})" for k, s in SETTINGS.items())
                                     + ". Also who holds each role (higher-analyst holders quality-assure).")
    p.set_defaults(handler=_show, text=_show_text)
    p = group.add_parser("set", parents=[parent], help="change one setting (checked, audited)",
                         description="Change one setting. Keys: " + ", ".join(SETTINGS) + ". The marking may not "
                                     "be above the accreditation level.")
    p.add_argument("key", choices=list(SETTINGS), metavar="KEY", help='the setting (see `settings show`)')
    p.add_argument("value", metavar="VALUE", help='its new value')
    p.add_argument("--why", help="reason, for the audit log")
    p.set_defaults(handler=_set)

    group = add_group(subparsers, "priorities", "the control strategy: priorities and intelligence requirements",
                      parent)
    p = group.add_parser("list", parents=[parent], help="the priorities with their requirements",
                         description="The control strategy's priorities (each with its crime categories, owner "
                                     "and intelligence requirements); --all includes retired ones.")
    p.add_argument("--all", action="store_true", help="include retired priorities")
    p.set_defaults(handler=_list, text=_list_text)
    p = group.add_parser("add", parents=[parent], help="add a priority",
                         description="Add a priority, e.g. `workbench priorities add \"Residential burglary\" "
                                     "--category burglary-residential --owner \"DI Khan\"`.")
    p.add_argument("name", help="the priority's name, e.g. 'Residential burglary'")
    p.add_argument("--category", action="append", required=True, metavar="C", help="crime category (repeatable)")
    p.add_argument("--owner", required=True, help="who owns the priority")
    p.add_argument("--why", help="reason, for the audit log")
    p.set_defaults(handler=_add)
    p = group.add_parser("retire", parents=[parent], help="retire a priority",
                         description="Retire a priority (by name or id): new PATPs can no longer use it; "
                                     "existing PATPs keep it.")
    p.add_argument("priority", metavar="NAME_OR_ID", help="the priority's name or id")
    p.add_argument("--why", help="reason, for the audit log")
    p.set_defaults(handler=_retire)
    p = group.add_parser("requirement", parents=[parent], help="add an intelligence requirement to a priority",
                         description="Add an intelligence requirement under a priority, optionally answered by "
                                     "one of your saved searches (--search NAME).")
    p.add_argument("priority", metavar="NAME_OR_ID", help="the priority's name or id")
    p.add_argument("text", metavar="TEXT", help='the intelligence requirement')
    p.add_argument("--search", metavar="NAME", help="the saved search that answers it")
    p.add_argument("--why", help="reason, for the audit log")
    p.set_defaults(handler=_requirement)


def _show(args, ctx: Context) -> dict:
    store = ctx.store()
    return {"settings": current_settings(store), "roles": role_holders(store)}


def _show_text(result: dict) -> str:
    lines = [f"{SETTINGS[k].label:<20} {k:<20} {v}" for k, v in result["settings"].items()]
    qa = result["roles"].get("higher-analyst", [])
    lines.append(f"{'QA (higher-analyst)':<20} {'roles':<20} {', '.join(qa) or 'nobody yet: workbench roles grant'}")
    return "\n".join(lines)


def _set(args, ctx: Context) -> dict:
    cmd = SetSetting(args.key, args.value, why=args.why)
    cmd.do(ctx.store())
    return {"key": args.key, "value": cmd.value, "previous": cmd.old}


def _list(args, ctx: Context) -> dict:
    return {"priorities": db.list_priorities(ctx.store(), include_retired=args.all)}


def _list_text(result: dict) -> str:
    lines = []
    for p in result["priorities"]:
        retired = f" (retired {p['retired_at']})" if p["retired_at"] else ""
        lines.append(f"{p['id']}. {p['name']}{retired}: owner {p['owner']}; {', '.join(p['categories'])}")
        lines += [f"     requirement {r['id']}: {r['text']}" + (f" [search {r['search_name']}]" if r["search_name"]
                                                                 else "") for r in p["requirements"]]
    return "\n".join(lines) or "No priorities yet: add them with `workbench priorities add`."


def _add(args, ctx: Context) -> dict:
    cmd = AddPriority(args.name, args.category, args.owner, why=args.why)
    cmd.do(ctx.store())
    return {"priority": cmd.priority_id, "name": cmd.name, "categories": cmd.categories, "owner": cmd.owner}


def _retire(args, ctx: Context) -> dict:
    store = ctx.store()
    cmd = RetirePriority(args.priority, why=args.why)
    cmd.do(store)
    return {"priority": cmd.priority["id"], "name": cmd.priority["name"],
            "retired": db.find_priority(store, cmd.priority["id"])["retired_at"]}


def _requirement(args, ctx: Context) -> dict:
    cmd = AddRequirement(args.priority, args.text, args.search, why=args.why)
    cmd.do(ctx.store())
    return {"requirement": cmd.requirement_id, "priority": args.priority, "text": cmd.text, "search": args.search}
