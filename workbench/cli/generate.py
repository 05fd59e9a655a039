"""``workbench generate``: seeded synthetic demo data with planted series."""

from __future__ import annotations

from pathlib import Path

from workbench.cli.common import Context
from workbench.synth import generate, write_to_store

ORDER = 30


def register(subparsers, parent) -> None:
    p = subparsers.add_parser(
        "generate", parents=[parent], help="generate synthetic demo data with planted series",
        description="Generate a year of synthetic offences and graded intelligence for London "
                    "boroughs (inside the real boundaries), with planted offender series, hotspots "
                    "and near repeats whose truth is known, and nominals, victim references and "
                    "missing-person episodes with planted patterns, and import them into the store "
                    "(source 'synthetic'). The same seed always gives the same data.")
    p.add_argument("--seed", type=int, required=True, help="random seed (same seed, same data)")
    p.add_argument("--offences", type=int, default=6000, help="how many offences (default 6000)")
    p.add_argument("--boroughs", nargs="+", metavar="NAME", default=["Camden", "Islington"],
                   help="London borough names, or 'all' (default: Camden Islington)")
    p.add_argument("--start", metavar="D", help="first day (YYYY-MM-DD; default: the first of the month "
                                                 "a year before this month)")
    p.add_argument("--days", type=int, default=365, help="length of the period in days (default 365)")
    p.add_argument("--out", metavar="DIR",
                   help="also write offences.csv, intel.csv, truth.csv, nominals.csv and missing.csv here")
    p.set_defaults(handler=_generate, text=_text, help_parser=p, creates_store=True)


def _generate(args, ctx: Context) -> dict:
    data = generate(args.seed, offences=args.offences, boroughs=tuple(args.boroughs), start=args.start,
                    days=args.days)
    result = write_to_store(ctx.store(), data, progress=ctx.progress)
    result["seed"] = args.seed
    result["generated"] = len(data.offences)
    result["intel_generated"] = len(data.intel)
    if args.out:
        result["files"] = {k: str(v) for k, v in data.write(Path(args.out)).items()}
    return result


def _text(result: dict) -> str:
    intel = ("intelligence import not available" if result["intel"] is None
             else f"{result['intel']:,} intelligence reports")
    lines = [f"Generated {result['generated']:,} offences for {', '.join(result['boroughs'])} "
             f"({result['date_from']} to {result['date_to']}, seed {result['seed']}) with "
             f"{result['series']:,} planted series.",
             f"Imported {result['imported']:,} offences ({result['rejected']:,} rejected, "
             f"{result['duplicates']:,} already in the store); {intel}."]
    if result.get("files"):
        lines.append("Wrote " + ", ".join(result["files"].values()))
    return "\n".join(lines)
