"""Benchmark: the same analyses on a store file and on a team store, side by side.

A generated year of offences for all London boroughs is written to a SQLite file, then
copied to a new PostgreSQL database (``workbench store copy``, timed too). Each command
then runs in its own process on each engine, so wall time, CPU time and peak memory are
its own: ``link series``, ``hotspots`` and ``scan`` (the weekly scan of the last week).
Run:

    python tests/benchmarks/bench_engines.py --pg postgresql://USER@HOST/postgres [--offences 100000]

The login must be allowed to create databases (a development server); the database
made is dropped at the end. Import speed of both engines is measured by
``bench_import.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

COMMANDS = {
    "link series": ["link", "series", "--category", "burglary"],
    "hotspots": ["hotspots", "--category", "burglary", "--method", "kde"],
    "scan": ["scan", "--preview", "--since", "{since}"],
}


#: Runs one command in this new process and reports its own peak memory on stderr.
WRAPPER = """
import json, resource, sys
from workbench.cli import main
code = main(sys.argv[1:])
sys.stderr.write("\\n" + json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
sys.exit(code)
"""


def run(args: list[str], env: dict) -> dict:
    """Run ``workbench ARGS`` in a new process: wall, CPU (user+system) and peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", WRAPPER, *args, "--json"], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode:
        raise SystemExit(f"workbench {' '.join(args)} failed: {out.stdout}{out.stderr}")
    return {"seconds": wall, "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
            "peak_mb": json.loads(out.stderr.strip().splitlines()[-1])["peak_mb"], "result": json.loads(out.stdout)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("WORKBENCH_TEST_PG"),
                        help="a PostgreSQL login that may create databases (default: $WORKBENCH_TEST_PG)")
    parser.add_argument("--offences", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.pg:
        raise SystemExit("give --pg postgresql://USER@HOST/postgres (or set WORKBENCH_TEST_PG)")
    import psycopg

    name = f"wbbench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(args.pg, autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    server = urlunsplit(urlsplit(args.pg)._replace(path="/" + name))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    env = {**os.environ, "WORKBENCH_HOME": tempfile.mkdtemp()}
    try:
        path = str(Path(tempfile.mkdtemp()) / "bench.sqlite")
        made = run(["--db", path, "generate", "--seed", str(args.seed), "--offences", str(args.offences)], env)
        print(f"generated {made['result']['imported']:,} offences into a file in {made['seconds']:.1f} s")
        copied = run(["store", "copy", "--from", path, "--to", server], env)
        print(f"store copy to PostgreSQL: {copied['result']['rows']:,} rows in {copied['seconds']:.1f} s "
              f"({copied['peak_mb']:.0f} MB)")
        since = made["result"]["date_to"][:8] + "01"
        print("\n| command (wall s / CPU s / peak MB) | SQLite file | PostgreSQL |\n|---|---|---|")
        for label, command in COMMANDS.items():
            argv = [a.format(since=since) for a in command]
            cells = []
            for location in (path, server):
                r = run(["--db", location, *argv], env)
                cells.append(f"{r['seconds']:.1f} / {r['cpu']:.1f} / {r['peak_mb']:.0f}")
            print(f"| {label} | {cells[0]} | {cells[1]} |")
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


if __name__ == "__main__":
    main()
