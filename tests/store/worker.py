"""Run one submission in a separate process (for the kill and concurrency tests).

Usage: python -m tests.store.worker STORE PROVIDER PERIOD SESSIONS
Prints the submission id; exits 3 with the message when the store is busy.
"""

from __future__ import annotations

import sys

from ccassure.store import Store, StoreError
from tests.store.conftest import return_rows, typed_tables


def main() -> None:
    store_path, provider, period, sessions = sys.argv[1:5]
    tables = typed_tables(return_rows(sessions=int(sessions)))
    print("ready", flush=True)
    try:
        submission = Store(store_path).store_tables(tables, dataset="provider_return", provider=provider,
                                                    period=period)
    except StoreError as exc:
        print(f"ccassure: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    print(submission.submission_id)


if __name__ == "__main__":
    main()
