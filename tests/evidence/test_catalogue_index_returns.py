"""The rule catalogue, the validation reports and the index speak in names and plain words."""

from __future__ import annotations

import re

from ccassure.reports import catalogue, contents, returns

EXPRESSION_DUMPS = ("{'kind'", '{"kind"', "```", "IS NOT NULL", "period_end", " AND ", "where:", "test:")


def visible(markdown: str) -> str:
    """The text a reader sees: link targets removed."""
    return re.sub(r"\]\([^)]*\)", "]", markdown)


def test_the_catalogue_says_each_rule_in_plain_words_with_parameters_in_force(results):
    text_ = catalogue.catalogue(results)
    for node in results.nodes().values():
        assert node["summary"] in text_.replace("\\", "")
    assert "Counts on-site sessions for under-fives in the quarter" in text_
    params = next(line for line in text_.splitlines() if line.startswith("| Min sessions"))
    assert "policy choice" in params and "sessions" in params
    assert "Version 1" in text_ and "used in these results: version 1 for 2016Q3 to 2016Q4" in text_


def test_the_catalogue_has_no_yaml_dicts_sql_or_codes(results):
    text_ = catalogue.catalogue(results) + catalogue.catalogue_intro(results)
    for dump in EXPRESSION_DUMPS:
        assert dump not in text_
    for node_id in results.nodes():
        assert node_id not in visible(text_)


def test_the_catalogue_never_reads_rule_files(results, monkeypatch):
    import ccassure.yamlload

    def refuse(*_args, **_kwargs):
        raise AssertionError("the catalogue read a rule file")

    monkeypatch.setattr(ccassure.yamlload, "load_yaml", refuse)
    assert "Activities for young children" in catalogue.catalogue(results)


def test_the_catalogue_groups_by_inspection_area(results):
    text_ = catalogue.catalogue(results)
    assert text_.index("### Access to services") < text_.index("#### Activities for young children")


def test_a_validation_report_names_the_provider_and_groups_problems_by_cause(results):
    header = returns.provider_header(results, "PRV-OAK")
    report = returns.validation_report(results, "PRV-OAK")
    assert "Oakfield Children's Charity" in header.replace("\\", "")
    assert "Oakshire County Council" in header.replace("\\", "")
    row = next(line for line in report.splitlines() if "Attendances looks too high" in line)
    assert "| 4, 9 |" in row
    assert report.count("Attendances looks too high") == 1


def test_a_clean_return_says_so_in_one_line(results):
    report = returns.validation_report(results, "PRV-OAK")
    clean = [line for line in report.splitlines() if "2016Q3" in line]
    assert len(clean) == 1 and clean[0].startswith("- ✔ No problems")


def test_a_validation_report_shows_no_local_path():
    assert returns.file_name({"file": "/home/someone/returns/oak_2016Q4.xlsx"}) == "oak_2016Q4.xlsx"
    assert returns.file_name({"file": "C:\\Users\\someone\\oak.xlsx"}) == "oak.xlsx"
    assert returns.file_name({"file_name": "oak.xlsx"}) == "oak.xlsx"


def test_the_index_uses_names_and_links_only_to_rendered_documents(results):
    page = contents.index(results, ["html"], kinds=["index", "authority", "centre", "validation", "rules"])
    shown = visible(page)
    for name in ("Oakshire County Council", "Acorn Lane Children's Centre", "Cedar Children's Centre",
                 "Oakfield Children's Charity"):
        assert name in shown.replace("\\", "")
    for code in ("E10000999", "OAK-CC-01", "PRV-OAK"):
        assert code not in shown
    assert "(centre-OAK-CC-01.html)" in page and "(validation-PRV-OAK.html)" in page and "(rules.html)" in page
    without_packs = contents.index(results, ["html"], kinds=["index", "authority"])
    assert "centre-" not in without_packs and "validation-" not in without_packs and "rules.html" not in without_packs


def test_the_catalogue_and_index_pass_the_leak_scanner(results):
    from ccassure.reports.leaks import scan

    codes = [*results.nodes(), "E10000999", "OAK-CC-01", "OAK-CC-02", "OAK-LS-01", "PRV-OAK", "OAK-BRD-01"]
    for page in (catalogue.catalogue(results), catalogue.catalogue_intro(results),
                 contents.index(results, ["html", "pdf"])):
        shown = visible(page).replace("\\", "")
        assert scan(shown, forbidden=codes) == []
