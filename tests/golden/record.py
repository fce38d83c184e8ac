"""Record the golden answers from the current code (see answers.py for when that is right)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tests.golden.answers import CASES, HERE, REPO, answers


def main() -> None:
    os.environ.setdefault("CCASSURE_PROJECT", str(REPO))
    for case, run in CASES.items():
        with tempfile.TemporaryDirectory() as work:
            os.environ["CCASSURE_STORE"] = str(Path(work) / "store.duckdb")
            tables = answers(run(Path(work)))
        (HERE / case).mkdir(exist_ok=True)
        for name, frame in tables.items():
            frame.to_csv(HERE / case / f"{name}.csv.gz", index=False)
            print(f"{case}/{name}: {len(frame):,} rows")


if __name__ == "__main__":
    main()
