"""Benchmark: import 1,000,000 police.uk-format rows, ours vs pandas.read_csv + to_sql.

The input is made by repeating the real Metropolitan Police files in
../shared/data/police-uk/met-2017-all with new Crime IDs. Each route runs in its own
process so its peak memory (max RSS) is its own. The two routes run one after the other
on the same file, ``--runs`` times (which goes first alternates), and each run prints
both side by side: wall time, CPU time (``time.process_time``: the work done, which a
machine shared with other work inflates far less than the wall time) and peak memory,
with the load average at the start, so a run made under load can be told apart. Run:

    python tests/benchmarks/bench_import.py [--rows 1000000] [--runs 3] [--boundaries]
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
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "police-uk" / "met-2017-all"
BOUNDARIES = Path(__file__).resolve().parents[2] / "data" / "boundaries" / "london.gpkg"

OURS = """
import json, resource, sys, time
from workbench.store import open_store
from workbench.ingest.boundaries import import_boundaries
from workbench.ingest.police_uk import import_police_uk
store = open_store(sys.argv[2])
if len(sys.argv) > 3:
    for layer in ("boroughs", "wards"):
        import_boundaries(store, sys.argv[3], layer=layer)
start, cpu_start = time.perf_counter(), time.process_time()
result = import_police_uk(store, sys.argv[1])
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": elapsed, "rows": result.imported + result.rejected + result.duplicates,
                  "imported": result.imported, "cpu": time.process_time() - cpu_start,
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


def run(code: str, csv_path: Path, db_path: Path, *extra: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(csv_path), str(db_path), *extra],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="how many times to run both routes (default 3)")
    parser.add_argument("--boundaries", action="store_true",
                        help="also time our import with the bundled London boroughs and wards loaded")
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = folder / "police-uk-big.csv"
        print(f"making {args.rows:,} rows from {SHARED} ...", flush=True)
        make_input(csv_path, args.rows)
        print(f"input: {csv_path.stat().st_size / 1e6:.0f} MB\n", flush=True)
        print(f"{'run':>3} {'load':>5}  {'ours: s':>8} {'CPU s':>6} {'MB':>5}  {'pandas: s':>9} {'CPU s':>6} {'MB':>6}"
              f"  {'ours/pandas s':>13} {'CPU':>5}", flush=True)
        for run_no in range(1, args.runs + 1):
            load = os.getloadavg()[0]
            order = [("ours", OURS), ("pandas", PANDAS)]
            results = {name: run(code, csv_path, folder / f"{name}-{run_no}.sqlite")
                       for name, code in (order if run_no % 2 else order[::-1])}
            ours, pandas = results["ours"], results["pandas"]
            runs.append((ours, pandas))
            print(f"{run_no:>3} {load:>5.1f}  {ours['seconds']:>8.1f} {ours['cpu']:>6.1f} {ours['peak_mb']:>5.0f}  "
                  f"{pandas['seconds']:>9.1f} {pandas['cpu']:>6.1f} {pandas['peak_mb']:>6.0f}  "
                  f"{ours['seconds'] / pandas['seconds']:>13.2f} {ours['cpu'] / pandas['cpu']:>5.2f}", flush=True)
            for path in folder.glob(f"*-{run_no}.sqlite*"):
                path.unlink()
        if args.boundaries:
            areas = run(OURS, csv_path, folder / "areas.sqlite", str(BOUNDARIES))
            print(f"\nours with London boroughs and wards: {areas['seconds']:.1f} s, {areas['cpu']:.1f} s CPU, "
                  f"{areas['peak_mb']:.0f} MB")
    median = lambda route, key: statistics.median(r[route][key] for r in runs)
    print(f"\nmedian of {len(runs)} run(s): ours {median(0, 'seconds'):.1f} s ({median(0, 'cpu'):.1f} s CPU), "
          f"pandas {median(1, 'seconds'):.1f} s ({median(1, 'cpu'):.1f} s CPU); "
          f"{runs[0][0]['rows']:,} rows, {runs[0][0]['imported']:,} imported")
    print("\nOurs also validates every row, converts WGS84 to British National Grid, assigns "
          "borough/ward when boundaries are loaded, de-duplicates, keeps rejects and builds six indexes; "
          "the pandas route only copies text into one unindexed table.")


if __name__ == "__main__":
    main()
