"""``workbench roles grant|revoke|list``: who may do what in a store."""

from __future__ import annotations

from workbench.cli.common import Context, add_group
from workbench.domain.roles import MEANINGS, Role
from workbench.identity import current_user
from workbench.store import roles

ORDER = 86


def register(subparsers, parent) -> None:
    group = add_group(subparsers, "roles", "users' roles in this store: grant, revoke, list", parent)
    choices = [r.value for r in Role]
    meanings = "; ".join(f"{r.value}: {MEANINGS[r]}" for r in Role)

    p = group.add_parser("grant", parents=[parent], help="give a login name a role (admins only)",
                         description=f"Give USER (an operating-system login name) ROLE in this store; "
                                     f"only an admin may, and it is audited. Roles: {meanings}.")
    p.add_argument("user", metavar="USER", help="the login name, exactly as the system spells it")
    p.add_argument("role", choices=choices, metavar="ROLE", help=" | ".join(choices))
    p.set_defaults(handler=_grant)

    p = group.add_parser("revoke", parents=[parent], help="take a role from a login name (admins only)",
                         description="Take ROLE from USER in this store; only an admin may, it is audited, "
                                     "and the store's last admin cannot be revoked.")
    p.add_argument("user", metavar="USER", help='the login name')
    p.add_argument("role", choices=choices, metavar="ROLE", help=" | ".join(choices))
    p.set_defaults(handler=_revoke)

    p = group.add_parser("list", parents=[parent], help="who holds which role, and who you are",
                         description="Every role granted in this store (who, which role, granted by whom and "
                                     "when), and the login you are acting as with your roles.")
    p.set_defaults(handler=_list, text=_list_text)


def _grant(args, ctx: Context) -> dict:
    changed = roles.grant(ctx.store(), args.user, Role(args.role))
    return {"user": args.user, "role": args.role, "changed": changed}


def _revoke(args, ctx: Context) -> dict:
    changed = roles.revoke(ctx.store(), args.user, Role(args.role))
    return {"user": args.user, "role": args.role, "changed": changed}


def _list(args, ctx: Context) -> dict:
    store = ctx.store()
    me = current_user()
    return {"you": me, "your_roles": sorted(r.value for r in roles.roles_of(store, me)),
            "roles": roles.holders(store)}


def _list_text(result: dict) -> str:
    lines = [f"You are {result['you']}: {', '.join(result['your_roles']) or 'no role in this store'}."]
    for grant in result["roles"]:
        lines.append(f"  {grant['user']:<20} {grant['role']:<15} granted by {grant['granted_by']} "
                     f"on {grant['granted_at'][:10]}")
    return "\n".join(lines)
