"""Benchmark: import 1,000,000 police.uk-format rows, ours (into a SQLite store and, given a
server, a PostgreSQL team store) vs pandas.read_csv + to_sql.

The input is made by repeating the real Metropolitan Police files in
../shared/data/police-uk/met-2017-all with new Crime IDs. Each route runs in its own
process so its peak memory (max RSS) is its own. The routes run one after the other
on the same file, ``--runs`` times (which goes first rotates), and each run prints
them side by side: wall time, CPU time (``time.process_time``: the work done, which a
machine shared with other work inflates far less than the wall time) and peak memory,
with the load average at the start, so a run made under load can be told apart.

With ``--pg URL`` (or ``WORKBENCH_TEST_PG``), a login that may create databases, our
import also runs into a new database on that server each run (dropped afterwards), and
the server's CPU time for it is shown too: its backend process and the parallel workers
that build indexes beside it, read from /proc (so the server must run on this machine).
Run:

    python tests/benchmarks/bench_import.py [--rows 1000000] [--runs 3] [--boundaries] [--pg URL]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
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
    """Run a route in its own process; for a team store, add the CPU time of the server's
    parallel workers (index builds) to what the route reports for its server process."""
    child = subprocess.Popen([sys.executable, "-c", code, str(csv_path), str(db), *extra],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers = ParallelWorkers(urlsplit(str(db)).path.strip("/")) if str(db).startswith("postgresql") else None
    while child.poll() is None:
        if workers:
            workers.sample()
        time.sleep(0.1)
    out, err = child.communicate()
    if child.returncode:
        sys.exit(f"a route failed:\n{err}")
    result = json.loads(out.strip().splitlines()[-1])
    if workers:
        result["server_cpu"] += workers.cpu()
    return result


class ParallelWorkers:
    """The CPU time of the parallel workers a team store's server starts for the connection
    to ``database`` (they build big indexes beside the connection's own process, and
    live seconds): sampled from /proc, so the server must run on this machine."""

    def __init__(self, database: str):
        self.database = database.encode()
        self.leader: str | None = None
        self.seen: dict[str, float] = {}

    def sample(self) -> None:
        for pid in os.listdir("/proc"):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    cmdline = fh.read()
                if self.leader is None and cmdline.startswith(b"postgres: ") and self.database in cmdline:
                    self.leader = pid          # the import's backend (the workers name it)
                if self.leader and f"parallel worker for PID {self.leader}".encode() in cmdline:
                    with open(f"/proc/{pid}/stat") as fh:
                        fields = fh.read().rsplit(")", 1)[1].split()
                    self.seen[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except (OSError, ValueError):
                continue

    def cpu(self) -> float:
        return sum(self.seen.values())


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
    parser.add_argument("--runs", type=int, default=3, help="how many times to run every route (default 3)")
    parser.add_argument("--boundaries", action="store_true",
                        help="also time our import with the bundled London boroughs and wards loaded")
    parser.add_argument("--pg", default=os.environ.get("WORKBENCH_TEST_PG"), metavar="URL",
                        help="also import into a new database on this PostgreSQL server (a login that may "
                             "create databases; default: WORKBENCH_TEST_PG)")
    args = parser.parse_args()
    routes = ["SQLite", *(["PostgreSQL"] if args.pg else []), "pandas"]
    runs: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = folder / "police-uk-big.csv"
        print(f"making {args.rows:,} rows from {SHARED} ...", flush=True)
        make_input(csv_path, args.rows)
        print(f"input: {csv_path.stat().st_size / 1e6:.0f} MB\n", flush=True)
        print(f"{'run':>3} {'load':>5}" + "".join(f"  {route + ': s':>15} {'CPU s':>6} {'MB':>5}" for route in routes)
              + (f"  {'server CPU s':>12}" if args.pg else ""), flush=True)
        for run_no in range(1, args.runs + 1):
            load = os.getloadavg()[0]
            shift = (run_no - 1) % len(routes)
            results = {route: route_result(route, csv_path, folder / f"{route}-{run_no}.sqlite", args.pg)
                       for route in routes[shift:] + routes[:shift]}
            runs.append(results)
            print(f"{run_no:>3} {load:>5.1f}" + "".join(
                f"  {results[route]['seconds']:>15.1f} {results[route]['cpu']:>6.1f} {results[route]['peak_mb']:>5.0f}"
                for route in routes) + (f"  {results['PostgreSQL']['server_cpu']:>12.1f}" if args.pg else ""),
                flush=True)
            for path in folder.glob(f"*-{run_no}.sqlite*"):
                path.unlink()
        if args.boundaries:
            areas = run(OURS, csv_path, folder / "areas.sqlite", str(BOUNDARIES))
            print(f"\nours with London boroughs and wards: {areas['seconds']:.1f} s, {areas['cpu']:.1f} s CPU, "
                  f"{areas['peak_mb']:.0f} MB")
            if args.pg:
                with new_database(args.pg) as url:
                    areas = run(OURS, csv_path, url, str(BOUNDARIES))
                print(f"... into PostgreSQL: {areas['seconds']:.1f} s, {areas['cpu']:.1f} s CPU "
                      f"+ {areas['server_cpu']:.1f} s server CPU, {areas['peak_mb']:.0f} MB")
    median = lambda route, key: statistics.median(r[route].get(key, 0.0) for r in runs)
    print(f"\nmedian of {len(runs)} run(s), {runs[0]['SQLite']['rows']:,} rows, "
          f"{runs[0]['SQLite']['imported']:,} imported: " + "; ".join(
              f"{route} {median(route, 'seconds'):.1f} s ({median(route, 'cpu'):.1f} s CPU"
              + (f" + {median(route, 'server_cpu'):.1f} s server CPU" if route == "PostgreSQL" else "") + ")"
              for route in routes))
    if args.pg:
        print(f"\nServer: {server_settings(args.pg)}. A server with fsync=off does not wait for the disk "
              "(a throwaway development cluster); a production server with fsync=on also waits for the "
              "disk at each commit and checkpoint.")
    print("\nOurs also validates every row, converts WGS84 to British National Grid, assigns "
          "borough/ward when boundaries are loaded, de-duplicates, keeps rejects and builds six indexes "
          "(and, on PostgreSQL, a spatial index of the offences' geometry); the pandas route only copies "
          "text into one unindexed table.")


def route_result(route: str, csv_path: Path, file: Path, server: str | None) -> dict:
    """One run of one route: our import into a store file or a new team store, or pandas."""
    if route == "pandas":
        return run(PANDAS, csv_path, file)
    if route == "SQLite":
        return run(OURS, csv_path, file)
    assert server is not None
    with new_database(server) as url:
        return run(OURS, csv_path, url)


if __name__ == "__main__":
    main()
