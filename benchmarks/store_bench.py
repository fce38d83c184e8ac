"""Store benchmark: submit a 1,000,000-row return (median of 3) and read one authority's quarter back.

Each figure is printed next to a baseline measured in the same process on the same data:
  * store_tables (typed frames -> one DuckDB transaction, with supersession and bookkeeping)
      vs raw DuckDB ``INSERT ... SELECT * FROM df`` of the same frames into a fresh file, and a plain pyarrow
      Parquet write;
  * submit from a Parquet folder (validation + store), when ccassure.validation is available;
  * read_tables(authority, period) (typed frames for every contract table)
      vs pyarrow Parquet read of the same rows with the same filters.

Synthetic data only (a national provider running 100 centres in 10 authorities; no real people).
Run: .venv/bin/python benchmarks/store_bench.py [--rows 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ccassure.contracts import load_contracts
from ccassure.contracts.dtypes import conform
from ccassure.store import Store

AUTHORITIES = ["E10000016", "E06000023", "E10000012", "E06000054", "E08000032", "E06000009", "E08000035",
               "E06000011", "E10000018", "E06000034"]


def make_return(rows: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Typed tables totalling ``rows`` rows: 60% sessions, 37% contacts, the rest registrations and the small tables."""
    rng = np.random.default_rng(seed)
    contracts = load_contracts()
    centres_n = 100
    centre_ids = np.array([f"NAT-CC-{i:03d}" for i in range(centres_n)])
    centres = pd.DataFrame({
        "centre_id": centre_ids, "centre_name": [f"Centre {i}" for i in range(centres_n)],
        "authority_code": [AUTHORITIES[i % 10] for i in range(centres_n)], "provider_id": "PRV-NAT",
        "designation": "childrens_centre", "status": "open", "advisory_board_id": [f"B{i % 10}" for i in range(centres_n)],
    })
    boards = pd.DataFrame({"board_id": [f"B{i}" for i in range(10)], "board_name": "Board",
                           "authority_code": AUTHORITIES})
    board_members = pd.DataFrame({"board_id": [f"B{i}" for i in range(10)], "member_ref": "M01", "role": "parent"})
    services = pd.DataFrame({"centre_id": centre_ids, "service_category": "health",
                             "availability": "provided_on_site"})
    small = centres_n * 2 + 20
    n_sessions = int(rows * 0.60)
    n_contacts = int(rows * 0.37)
    n_regs = max(rows - n_sessions - n_contacts - small, 10)
    days = pd.Timestamp("2016-10-01") + pd.to_timedelta(rng.integers(0, 92, n_sessions), unit="D")
    sessions = pd.DataFrame({
        "session_id": pd.array([f"S{seed}-{i}" for i in range(n_sessions)], dtype="str"),
        "centre_id": pd.array(centre_ids[rng.integers(0, centres_n, n_sessions)], dtype="str"),
        "date": days.astype("datetime64[s]"), "activity": "Stay and play", "activity_type": "stay_and_play",
        "on_site": pd.array(rng.random(n_sessions) < 0.8, dtype="boolean"),
        "min_age_months": pd.array(np.zeros(n_sessions, dtype=int), dtype="Int64"),
        "max_age_months": pd.array(np.full(n_sessions, 59), dtype="Int64"),
        "attendances": pd.array(rng.integers(0, 30, n_sessions), dtype="Int64"),
    })
    cdays = pd.Timestamp("2016-10-01") + pd.to_timedelta(rng.integers(0, 92, n_contacts), unit="D")
    contacts = pd.DataFrame({
        "contact_id": pd.array([f"C{seed}-{i}" for i in range(n_contacts)], dtype="str"),
        "family_ref": pd.array([f"FM-{i % 50000:06d}" for i in range(n_contacts)], dtype="str"),
        "centre_id": pd.array(centre_ids[rng.integers(0, centres_n, n_contacts)], dtype="str"),
        "date": cdays.astype("datetime64[s]"), "contact_type": "session",
    })
    registrations = pd.DataFrame({
        "child_ref": pd.array([f"CH-{seed}-{i:07d}" for i in range(n_regs)], dtype="str"),
        "family_ref": pd.array([f"FM-{i % 50000:06d}" for i in range(n_regs)], dtype="str"),
        "centre_id": pd.array(centre_ids[rng.integers(0, centres_n, n_regs)], dtype="str"),
        "registration_date": pd.Timestamp("2016-10-03"), "birth_month": "2015-06", "lsoa_code": "E01024354",
        "target_group": pd.array(rng.random(n_regs) < 0.3, dtype="boolean"),
    })
    tables = {"centres": centres, "boards": boards, "board_members": board_members, "services": services,
              "sessions": sessions, "contacts": contacts,
              "registrations": registrations}
    return {name: conform(frame, contracts[name]) for name, frame in tables.items()}


def timed(func, runs: int) -> tuple[float, list[float]]:
    times = []
    for i in range(runs):
        start = time.perf_counter()
        func(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def raw_duckdb_insert(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    con = duckdb.connect(str(path))
    con.execute("BEGIN TRANSACTION")
    for name, frame in tables.items():
        con.register("frame", frame)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame')
        con.unregister("frame")
    con.execute("COMMIT")
    con.close()


def line(label: str, value: float, baseline_label: str, baseline: float) -> str:
    return f"  {label:<44} {value:8.3f} s   | {baseline_label:<36} {baseline:8.3f} s   ratio {value / baseline:5.2f}x"


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-validate", action="store_true", help="skip the submit-from-file measurement")
    args = parser.parse_args(argv)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        returns = [make_return(args.rows, seed) for seed in range(args.runs)]
        total = sum(len(frame) for frame in returns[0].values())
        print(f"Store benchmark: {total:,}-row return ({', '.join(f'{k} {len(v):,}' for k, v in returns[0].items())}),"
              f" median of {args.runs}")
        store = Store(tmp / "store.duckdb")
        store.migrate()

        def submit(i: int) -> None:   # run 1 is a first submission, later runs supersede it
            store.store_tables(returns[i], dataset="provider_return", provider="PRV-NAT", period="2016Q4")

        results["store_tables"], _ = timed(submit, args.runs)
        results["raw_duckdb"], _ = timed(lambda i: raw_duckdb_insert(tmp / f"raw{i}.duckdb", returns[i]), args.runs)

        def parquet_write(i: int) -> None:
            folder = tmp / f"pq{i}"
            folder.mkdir()
            for name, frame in returns[i].items():
                pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), folder / f"{name}.parquet")

        results["parquet_write"], _ = timed(parquet_write, args.runs)
        print("Submit (typed tables -> store):")
        print(line("Store.store_tables (1 transaction)", results["store_tables"], "raw DuckDB CREATE TABLE AS",
                   results["raw_duckdb"]))
        print(line("", results["store_tables"], "pyarrow Parquet write", results["parquet_write"]))

        if not args.no_validate:
            try:
                import ccassure.validation  # noqa: F401
            except ImportError:
                print("  (ccassure.validation not available: submit-from-file not measured)")
            else:
                file_store = Store(tmp / "files.duckdb")
                file_store.migrate()
                files = [tmp / f"pq{i}" for i in range(args.runs)]

                def submit_file(i: int) -> None:
                    file_store.submit(files[i], provider="PRV-NAT", period="2016Q4", accept_warnings=True)

                results["submit_file"], _ = timed(submit_file, args.runs)
                print(line("Store.submit(Parquet folder): validate+store", results["submit_file"],
                           "pyarrow Parquet write", results["parquet_write"]))

        authority = AUTHORITIES[0]
        centres = returns[-1]["centres"]
        ids = centres.loc[centres["authority_code"] == authority, "centre_id"].tolist()

        def read_store(_: int) -> None:
            store.read_tables(authority=authority, period="2016Q4")

        def read_parquet(_: int) -> None:
            folder = tmp / f"pq{args.runs - 1}"
            for name in returns[-1]:
                filters = [("centre_id", "in", ids)] if name not in ("boards", "board_members") else None
                if name == "boards":
                    filters = [("authority_code", "=", authority)]
                if name in ("sessions", "contacts"):
                    filters = filters + [("date", ">=", pd.Timestamp("2016-10-01")), ("date", "<=", pd.Timestamp("2016-12-31"))]
                pq.read_table(folder / f"{name}.parquet", filters=filters).to_pandas()

        results["read_store"], _ = timed(read_store, args.runs)
        results["read_parquet"], _ = timed(read_parquet, args.runs)
        got = store.read_tables(authority=authority, period="2016Q4")
        rows_back = sum(len(frame) for frame in got.values())
        print(f"Read one authority's quarter back ({rows_back:,} rows; the store also holds "
              f"{args.runs - 1} superseded copies):")
        print(line("Store.read_tables(authority, period)", results["read_store"], "pyarrow Parquet read + filter",
                   results["read_parquet"]))
        target_submit = results.get("submit_file", results["store_tables"])
        print(f"Targets: submit < 10 s: {'met' if target_submit < 10 else 'NOT met'} ({target_submit:.2f} s); "
              f"read < 1 s: {'met' if results['read_store'] < 1 else 'NOT met'} ({results['read_store']:.2f} s)")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
