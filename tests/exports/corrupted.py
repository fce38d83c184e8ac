"""The sample return (synthetic) with mistakes planted on purpose, and lenient values ccassure accepts.

Every export is run on this copy by its own tool and must find what ``ccassure validate`` finds. Each
mistake names the problem ccassure reports for it; the lenient values must pass everywhere.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from tests.conftest import REPO

SAMPLE = REPO / "sample_data" / "provider_return"

# Plausibility checks (contracts' plausibility: block, cross-field and cross-table) have no counterpart in the
# exported formats: left out of the comparisons (the planted close_date 2001-01-01 makes later sessions
# implausible, which only ccassure says).
NOT_EXPORTED = frozenset({"implausible-value"})

# (table, data row counted from 0, column, new value, the problem ccassure reports)
MISTAKES: tuple[tuple[str, int, str, str, str], ...] = (
    ("sessions", 3, "date", "2016-13-45", "type-date"),
    ("sessions", 4, "date", "yesterday", "type-date"),
    ("sessions", 5, "date", "2016-02-30", "type-date"),
    ("sessions", 16, "date", "3016-01-01", "date-out-of-range"),
    ("sessions", 6, "centre_id", "SLM-CC-99", "foreign-key"),
    ("sessions", 7, "attendances", "n/a", "type-integer"),
    ("sessions", 24, "attendances", "1,2", "type-integer"),
    ("sessions", 8, "attendances", "501", "value-too-large"),
    ("sessions", 9, "attendances", "-2", "value-too-small"),
    ("sessions", 10, "on_site", "maybe", "type-boolean"),
    ("sessions", 11, "activity_type", "yoga", "value-not-allowed"),
    ("sessions", 12, "session_id", "SLM-S-000001", "duplicate-key"),
    ("sessions", 13, "activity", "", "required-value-missing"),
    ("sessions", 14, "min_age_months", "3.5", "type-integer"),
    ("sessions", 15, "max_age_months", "301", "value-too-large"),
    ("registrations", 2, "birth_month", "2015-13", "type-month"),
    ("registrations", 3, "birth_month", "2015-06-14", "personal-data-value"),
    ("registrations", 4, "lsoa_code", "E0199001", "pattern-mismatch"),
    ("registrations", 5, "family_ref", "bad ref!", "pattern-mismatch"),
    ("registrations", 6, "target_group", "", "required-value-missing"),
    ("registrations", 7, "centre_id", "SLM-CC-77", "foreign-key"),
    ("registrations", 8, "registration_date", "31/04/2016", "type-date"),
    ("centres", 1, "northing", "1300001", "value-too-large"),
    ("centres", 2, "close_date", "2001-01-01", "date-order"),
    ("centres", 3, "urn", "abc", "type-integer"),
    ("centres", 0, "advisory_board_id", "SLM-BRD-09", "foreign-key"),
    ("kpi_returns", 1, "numerator", "-1", "value-too-small"),
    ("kpi_returns", 3, "numerator", "lots", "type-number"),
    ("cases", 1, "star_start", "11", "value-too-large"),
    ("cases", 2, "star_end", "0.5", "value-too-small"),
    ("cases", 3, "engagements", "1001", "value-too-large"),
    ("cases", 4, "level", "level_9", "value-not-allowed"),
    ("cases", 5, "end_date", "2001-01-01", "date-order"),
    ("contacts", 0, "child_ref", "SLM-CH-NOPE00", "foreign-key"),
    ("contacts", 1, "contact_type", "phone_call", "value-not-allowed"),
    ("contacts", 2, "session_id", "SLM-S-999999", "foreign-key"),
    ("contacts", 3, "date", "2016-02-30", "type-date"),
    ("board_members", 1, "end_date", "2001-01-01", "date-order"),
    ("board_meetings", 1, "quorate", "perhaps", "type-boolean"),
)
# A repeated compound key: kpi_returns row 5 copies the key of row 4.
REPEATED_KEY = ("kpi_returns", 5, 4, ("kpi_id", "subject_id", "period"))

# What follows from a mistake: the session renumbered at row 12 is one a contact refers to.
CONSEQUENCES: tuple[tuple[str, int, str, str], ...] = (("contacts", 108, "session_id", "foreign-key"),)

# Values ccassure reads (and every export must accept): none of these is a problem.
LENIENT: tuple[tuple[str, int, str, str], ...] = (
    ("sessions", 20, "date", "13/01/2016"),
    ("sessions", 21, "on_site", "YES"),
    ("sessions", 22, "attendances", "3.0"),
    ("sessions", 23, "centre_id", " SLM-CC-01 "),
    ("centres", 0, "easting", "351,709"),
    ("kpi_returns", 0, "value", "82.1%"),
    ("kpi_returns", 2, "denominator", "£12"),
    ("registrations", 10, "birth_month", "06/2015"),
    ("registrations", 12, "lone_parent", "Y"),
    ("cases", 6, "start_date", " 2015-09-21"),
)


def write_corrupted(folder: Path) -> Path:
    """A corrupted copy of the sample return in ``folder`` (CSV files, as a provider would send them)."""
    shutil.copytree(SAMPLE, folder)
    tables: dict[str, list[dict[str, str]]] = {}
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            tables[path.stem] = list(csv.DictReader(handle))
    for table, row, column, value, _code in MISTAKES:
        tables[table][row][column] = value
    for table, row, column, value in LENIENT:
        tables[table][row][column] = value
    table, row, source, keys = REPEATED_KEY
    for key in keys:
        tables[table][row][key] = tables[table][source][key]
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


def expected_cells() -> set[tuple[str, str, int, str]]:
    """(table, column, CSV line, code) for every planted mistake; the header is line 1."""
    found = {(table, column, row + 2, code) for table, row, column, _value, code in MISTAKES}
    table, row, _source, keys = REPEATED_KEY
    found.add((table, " + ".join(keys), row + 2, "duplicate-key"))
    found |= {(table, column, row + 2, code) for table, row, column, code in CONSEQUENCES}
    return found
