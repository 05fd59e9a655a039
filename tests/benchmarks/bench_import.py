"""Benchmark: import 1,000,000 police.uk-format rows, ours (into a SQLite store and, given a
server, a PostgreSQL team store) vs pandas.read_csv + to_sql.

The input is made by repeating the real Metropolitan Police files in
../shared/data/police-uk/met-2017-all with new Crime IDs. Each route runs in its own
process so its peak memory (max RSS) is its own. With ``--pg URL`` (or
``WORKBENCH_TEST_PG``), a login that may create databases, our import also runs into a
new database on that server (dropped afterwards); the server's own CPU time (its
backend process, read from /proc, so the server must run on this machine) is shown
beside ours. Run:

    python tests/benchmarks/bench_import.py [--rows 1000000] [--boundaries] [--pg URL]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "police-uk" / "met-2017-all"
BOUNDARIES = Path(__file__).resolve().parents[2] / "data" / "boundaries" / "london.gpkg"

OURS = """
import json, os, resource, sys, time
from workbench.store import open_store
from workbench.ingest.boundaries import import_boundaries
from workbench.ingest.police_uk import import_police_uk
store = open_store(sys.argv[2])
if len(sys.argv) > 3:
    for layer in ("boroughs", "wards"):
        import_boundaries(store, sys.argv[3], layer=layer)

def server_cpu():
    # CPU seconds of the team store's server process for this connection (0 for a file).
    if store.engine != "postgresql":
        return 0.0
    import psycopg
    with psycopg.connect(sys.argv[2], autocommit=True) as peek:
        pid = peek.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                           "AND application_name = 'workbench'").fetchone()[0]
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

server_start = server_cpu()
start, cpu_start = time.perf_counter(), time.process_time()
result = import_police_uk(store, sys.argv[1])
elapsed = time.perf_counter() - start
cpu = time.process_time() - cpu_start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": elapsed, "rows": result.imported + result.rejected + result.duplicates,
                  "imported": result.imported, "cpu": cpu, "server_cpu": server_cpu() - server_start,
                  "peak_mb": usage.ru_maxrss / 1024}))
"""

PANDAS = """
import json, resource, sqlite3, sys, time
import pandas as pd
start, cpu_start = time.perf_counter(), time.process_time()
frame = pd.read_csv(sys.argv[1])
conn = sqlite3.connect(sys.argv[2])
frame.to_sql("crimes", conn, index=False)
conn.commit()
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rows": len(frame), "imported": len(frame),
                  "cpu": time.process_time() - cpu_start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_input(path: Path, rows: int) -> None:
    """Repeat the real monthly files with fresh Crime IDs until ``rows`` rows are written."""
    sources = sorted(SHARED.glob("*.csv.gz"))
    if not sources:
        sys.exit(f"needs {SHARED} (the shared data folder)")
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        header_written = False
        while written < rows:
            for source in sources:
                with gzip.open(source, "rt", encoding="utf-8", newline="") as fh:
                    reader = csv.reader(fh)
                    header = next(reader)
                    if not header_written:
                        writer.writerow(header)
                        header_written = True
                    for row in reader:
                        row[0] = hashlib.sha256(str(written).encode()).hexdigest()
                        writer.writerow(row)
                        written += 1
                        if written >= rows:
                            return


def run(code: str, csv_path: Path, db: Path | str, *extra: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(csv_path), str(db), *extra],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@contextmanager
def new_database(server: str):
    """The address of a new database on ``server`` (dropped at the end)."""
    import psycopg

    name = f"wb_bench_import_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
        try:
            yield urlunsplit(urlsplit(server)._replace(path="/" + name))
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def server_settings(server: str) -> str:
    """The server's version and the settings that matter for a write benchmark."""
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        settings = ", ".join(f"{name}={conn.execute(f'SHOW {name}').fetchone()[0]}"
                             for name in ("fsync", "synchronous_commit", "shared_buffers", "max_wal_size"))
    return f"PostgreSQL {version} ({settings})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--boundaries", action="store_true",
                        help="also time our import with the bundled London boroughs and wards loaded")
    parser.add_argument("--pg", default=os.environ.get("WORKBENCH_TEST_PG"), metavar="URL",
                        help="also import into a new database on this PostgreSQL server (a login that may "
                             "create databases; default: WORKBENCH_TEST_PG)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        csv_path = tmp / "police-uk-big.csv"
        print(f"making {args.rows:,} rows from {SHARED} ...", flush=True)
        make_input(csv_path, args.rows)
        print(f"input: {csv_path.stat().st_size / 1e6:.0f} MB", flush=True)
        results = {"workbench import, SQLite": run(OURS, csv_path, tmp / "ours.sqlite")}
        if args.pg:
            with new_database(args.pg) as url:
                results["workbench import, PostgreSQL"] = run(OURS, csv_path, url)
        results["pandas read_csv + to_sql"] = run(PANDAS, csv_path, tmp / "pandas.sqlite")
        if args.boundaries:
            results["... SQLite, London areas"] = run(OURS, csv_path, tmp / "areas.sqlite", str(BOUNDARIES))
            if args.pg:
                with new_database(args.pg) as url:
                    results["... PostgreSQL, London areas"] = run(OURS, csv_path, url, str(BOUNDARIES))
    print(f"\n{'route':<30} {'rows':>10} {'seconds':>9} {'CPU s':>7} {'server CPU s':>13} {'rows/s':>10} "
          f"{'peak MB':>9}")
    for name, r in results.items():
        print(f"{name:<30} {r['rows']:>10,} {r['seconds']:>9.1f} {r['cpu']:>7.1f} {r.get('server_cpu', 0):>13.1f} "
              f"{r['rows'] / r['seconds']:>10,.0f} {r['peak_mb']:>9.0f}")
    print("\nCPU s is the importing process's CPU time (all its threads) during the timed part: on a "
          "machine shared with other work it shows the work done, where seconds also show the waiting. "
          "Server CPU s is the PostgreSQL server's backend process for the import (SQLite has none: "
          "its work is in CPU s).")
    if args.pg:
        print(f"\nServer: {server_settings(args.pg)}. A server with fsync=off does not wait for the disk "
              "(a throwaway development cluster); a production server with fsync=on also waits for the "
              "disk at each commit and checkpoint.")
    print("\nOurs also validates every row, converts WGS84 to British National Grid, assigns "
          "borough/ward when boundaries are loaded, de-duplicates and keeps rejects; the pandas "
          "route only copies text.")


if __name__ == "__main__":
    main()
