"""``workbench stats``: what the store holds."""

from __future__ import annotations

from workbench.store.offences import stats

ORDER = 20


def register(subparsers, parent) -> None:
    p = subparsers.add_parser("stats", parents=[parent], help="counts of what the store holds",
                              description="Offences by category and borough, date range, offenders, "
                                          "boundaries, import batches and rejected rows.")
    p.set_defaults(handler=lambda args, ctx: stats(ctx.store()), help_parser=p)
