"""Personal data in a return is found in every layout people type it, in every text column, and is never
echoed back: every output shows it masked. No demo centre, activity or place name is mistaken for it.
All names, numbers and addresses here are invented (Ofcom drama numbers, the NHS test number 943 476 5919)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ccassure.validation.outputs import write_result
from ccassure.validation.pii import identifiers_in, mask
from ccassure.validation.privacy import identifier_kind
from tests.badinput.helpers import csv_folder, only, problems, session, sessions_workbook, validate, workbook
from tests.validation.builders import minimal_return

PHONES = ["07700 900123", "(01632) 960123", "0044 7700 900123", "Mob07700900123", "07700.900.123",
          "+44 (0)7700 900123", "+447700900123", "01632-960-123", "tel: 0113 496 0000"]
NHS = ["NHS9434765919", "943 476 5919", "NHS no. 943-476-5919"]
ADDRESSES = ["12 acacia avenue", "4b Mill Lane", "Flat 2, 17 Station Road", "14 Elm Close, WX1 4AB",
             "Home postcode WX1 4AB", "lives at PQ3 9ZZ with nan"]
BIRTH_DATES = ["Child DOB 03/04/2014, Jane Doe", "dob: 3.4.14", "born on 3 April 2014", "Date of birth 03-04-2014"]
NAMES = ["Spoke to Mrs Patel about the course", "mum Sarah attended", "Jane Doe came with her son",
         "Emily Smith (aged 2)", "Mohammed Khan attended with Zainab", "Zuzanna Nowak and Oliwia", "JANE DOE",
         "Theodore Okafor-Bell", "mum Hope came", "Spoke to dad, Mark, about the course", "Aisha Begum, 14 months",
         "Seen: Grace O'Neill", "Ewa and Jakub Kowalski"]
EMAILS = ["jane.doe@example.org", "contact J.Doe+kids@mail.example.co.uk"]


@pytest.mark.parametrize("text", PHONES + NHS + ADDRESSES + BIRTH_DATES + NAMES + EMAILS)
def test_every_layout_listed_is_detected(text: str) -> None:
    assert identifiers_in(text), text


@pytest.mark.parametrize("text", [
    "Stay and play", "Baby massage", "Rhyme time", "Riverside Children's Centre", "Oakridge Park Children's Centre",
    "Birchlade Village Hall (linked site)", "Grace Hall drop-in", "Victoria Park stay and play",
    "Session for 12 families close to the centre", "2016-10-03", "03/11/2016", "CT-0000012345", "E01012345",
    "KNT-CC-001", "FM-0001", "12 sessions in the park", "Jobcentre Plus advice", "0 to 60 months",
    "Leaflets about the health visiting service in reception", "Brightpath Children's Trust",
    # given names that are also words, rooms, seasons, RAG ratings, saints or story-time titles
    "Amber Rating this quarter", "Grant Funding from the council", "May Half Term closure", "Summer Fair",
    "Willow Tree Nursery", "Daisy Chain group", "Teddy Bears Picnic", "Carol Service at the church",
    "St Mary Magdalene Church", "St Patrick Primary", "Jack and the Beanstalk", "Christian Aid collection",
    "Hope Street family hub", "Victoria Park stay and play", "STAY AND PLAY", "Robin Hood Primary",
])
def test_ordinary_return_text_is_not_mistaken_for_personal_data(text: str) -> None:
    assert identifiers_in(text) == [], identifiers_in(text)


def _demo_texts() -> set[str]:
    """Every name in the demo: centres, sites, providers, boards, partners, activities, narratives."""
    from ccassure.demo import generate

    texts: set[str] = {activity[0] for activity in generate.ACTIVITIES}
    texts |= {note for _, note in generate.SERVICE_DEFAULTS.values()}
    texts |= {line for lines in generate.SELF_NARRATIVES.values() for line in lines}
    texts |= set(generate.AUTHORITY_COMMENTS.values())
    for build in (generate.wexcombe, generate.port_ellery, generate.harrowfield, generate.saltmere):
        spec = build()
        texts |= {spec.name, spec.health_partner} | {c.name for c in spec.centres}
        texts |= {c.managing_body for c in spec.centres if c.managing_body}
        texts |= {p.name for p in spec.providers} | {b[1] for b in spec.boards}
    return {text for text in texts if text}


def test_no_demo_centre_activity_or_place_name_is_flagged() -> None:
    texts = _demo_texts()
    flagged = {text: identifiers_in(text) for text in texts if identifiers_in(text)}
    assert len(texts) > 60 and flagged == {}


def test_the_names_list_is_large_and_keeps_word_like_names_apart() -> None:
    """Hundreds of common given names (validation/given_names.py), none of them also an ordinary word."""
    from ccassure.validation.given_names import GIVEN_NAMES, WORDLIKE_NAMES

    assert len(GIVEN_NAMES) > 400 and not GIVEN_NAMES & WORDLIKE_NAMES
    assert {"Oliver", "Olivia", "Muhammad", "Amelia", "Jakub", "Zainab", "Susan", "Gary"} <= GIVEN_NAMES
    assert {"Amber", "May", "Hope", "Mark", "Will", "Victoria", "Grant"} <= WORDLIKE_NAMES


def test_a_name_in_free_text_is_reported_masked_never_echoed(tmp_path: Path) -> None:
    result = validate(sessions_workbook(tmp_path / "r.xlsx", session(activity="Stay and play with Oliver Brown")))
    problem = only(result, "personal-data-value")
    assert "name" in problem.message and problem.value == "Ol**** **own"
    for out in (problem.value or "", problem.message, problem.fix, json.dumps(result.to_dict())):
        assert "Oliver" not in out and "Brown" not in out


def test_no_value_of_the_sample_return_is_flagged() -> None:
    import csv

    root = Path(__file__).resolve().parents[2] / "sample_data"
    values = set()
    for path in [*root.glob("provider_return/*.csv"), *root.glob("authority_records/*.csv")]:
        with path.open(encoding="utf-8") as handle:
            values |= {cell for row in csv.reader(handle) for cell in row if cell}
    flagged = [value for value in values if identifiers_in(value)]
    assert len(values) > 1000 and flagged == []


@pytest.mark.parametrize(("header", "kind"), [
    ("DoB (child)", "full dates of birth"), ("Mum's name", "names of people"), ("Contact tel", "phone numbers"),
    ("NI number", "National Insurance numbers"), ("UPN", "pupil numbers"), ("Member name", "names of people"),
    ("Child's D.O.B.", "full dates of birth"), ("NHS No", "NHS numbers"), ("Home address", "family addresses"),
    ("E-mail", "e-mail addresses"), ("Mobile", "phone numbers"),
])
def test_headers_that_name_an_identifier_are_recognised(header: str, kind: str) -> None:
    assert identifier_kind(header, None) == kind


@pytest.mark.parametrize("header", ["Notes", "Venue", "Activity type", "Staff initials", "Session name"])
def test_ordinary_extra_headers_are_only_unknown(header: str) -> None:
    assert identifier_kind(header, None) is None


def test_an_identifier_header_added_to_a_sheet_is_an_error(tmp_path: Path) -> None:
    sheets = minimal_return([session()])
    sheets["Sessions"][0] = [*sheets["Sessions"][0], "Mum's name"]
    sheets["Sessions"][1] = [*sheets["Sessions"][1], "Sarah"]
    problem = only(validate(workbook(tmp_path / "r.xlsx", sheets)), "personal-data-column")
    assert problem.column == "Mum's name" and "names of people" in problem.message


@pytest.mark.parametrize(("column", "value"), [
    ("activity", "Stay and play - call mum on 07700 900123"), ("session_id", "07700900123"),
    ("activity", "NHS9434765919"), ("centre_id", "jane.doe@example.org"),
    ("activity", "Child DOB 03/04/2014, Jane Doe"), ("activity", "Home visit to 12 acacia avenue"),
])
def test_identifiers_are_found_in_every_text_column_ids_included(tmp_path: Path, column: str, value: str) -> None:
    result = validate(sessions_workbook(tmp_path / "r.xlsx", session(**{column: value})))
    found = problems(result, "personal-data-value")
    assert found and all(p.column == column for p in found), [(p.code, p.column) for p in result.problems]


def test_the_mask_keeps_only_the_ends() -> None:
    assert mask("07700 900123") == "07*** ***123"
    assert mask("943 476 5919") == "94* *** *919"


SECRET_PHONE, SECRET_MAIL = "07700 900123", "jane.doe@example.org"


def test_detected_values_are_masked_in_the_problem_list_and_every_output(tmp_path: Path) -> None:
    text = ("session_id,centre_id,date,activity,on_site,min_age_months,attendances\n"
            f"S1,C1,03/11/2016,Call {SECRET_PHONE},yes,0,12\n"
            f"{SECRET_MAIL},C1,03/11/2016,a,yes,0,12\n"
            f"S3,C1,03/11/2016,a,yes,0,{SECRET_PHONE}\n")  # a phone typed into a number column
    result = validate(csv_folder(tmp_path / "ret", text))
    assert problems(result, "personal-data-value")
    for problem in result.problems:
        for field in (problem.value or "", problem.message, problem.fix):
            assert SECRET_PHONE not in field and SECRET_MAIL not in field and "900123" not in field, problem
    assert any(p.value == "07*** ***123" for p in result.problems)
    for fmt in ("csv", "html", "json", "xlsx", "text"):
        out = tmp_path / f"problems.{fmt}"
        text_out = write_result(result, fmt, out, limit=100)
        if fmt == "xlsx":
            import zipfile

            with zipfile.ZipFile(out) as book:
                data = "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
        else:
            data = text_out if text_out is not None else out.read_text(encoding="utf-8")
        assert "900123" not in data.replace("***123", "") and SECRET_MAIL not in data, fmt
        if fmt == "json":
            json.loads(data)


def test_a_full_date_of_birth_in_a_month_column_keeps_only_its_year(tmp_path: Path) -> None:
    sheets = minimal_return([session()])
    sheets["Registrations"][1][4] = "2015-06-14"
    problem = next(p for p in validate(workbook(tmp_path / "r.xlsx", sheets)).problems
                   if p.code == "personal-data-value")
    assert problem.value == "2015-**-**"
