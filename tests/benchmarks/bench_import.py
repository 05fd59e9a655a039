"""Benchmark: import 1,000,000 police.uk-format rows, ours vs pandas.read_csv + to_sql.

The input is made by repeating the real Metropolitan Police files in
../shared/data/police-uk/met-2017-all with new Crime IDs. Each route runs in its own
process so its peak memory (max RSS) is its own. Run:

    python tests/benchmarks/bench_import.py [--rows 1000000] [--boundaries]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
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
    parser.add_argument("--boundaries", action="store_true",
                        help="also time our import with the bundled London boroughs and wards loaded")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        csv_path = tmp / "police-uk-big.csv"
        print(f"making {args.rows:,} rows from {SHARED} ...", flush=True)
        make_input(csv_path, args.rows)
        print(f"input: {csv_path.stat().st_size / 1e6:.0f} MB", flush=True)
        results = {"workbench import police-uk": run(OURS, csv_path, tmp / "ours.sqlite"),
                   "pandas read_csv + to_sql": run(PANDAS, csv_path, tmp / "pandas.sqlite")}
        if args.boundaries:
            results["... with London boundaries"] = run(OURS, csv_path, tmp / "areas.sqlite", str(BOUNDARIES))
    print(f"\n{'route':<28} {'rows':>10} {'seconds':>9} {'CPU s':>7} {'rows/s':>10} {'peak MB':>9}")
    for name, r in results.items():
        print(f"{name:<28} {r['rows']:>10,} {r['seconds']:>9.1f} {r['cpu']:>7.1f} {r['rows'] / r['seconds']:>10,.0f} "
              f"{r['peak_mb']:>9.0f}")
    print("\nCPU s is the process's CPU time (all its threads) during the timed part: on a machine "
          "shared with other work it shows the work done, where seconds also show the waiting.")
    print("\nOurs also validates every row, converts WGS84 to British National Grid, assigns "
          "borough/ward when boundaries are loaded, de-duplicates and keeps rejects; the pandas "
          "route only copies text.")


if __name__ == "__main__":
    main()
