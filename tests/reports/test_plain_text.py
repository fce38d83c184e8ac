"""Committee wording: rule messages and thresholds reach councillors in plain English, without the counted
"(s)" of a template, data codes or parameter names."""

from __future__ import annotations

from ccassure.reports.authority_report import parameter_words
from ccassure.reports.plain_text import plain_message


def test_a_counted_noun_agrees_with_its_number():
    assert plain_message("Board has 1 current member(s).") == "Board has 1 current member."
    assert plain_message("7 open centre(s) remain; 3 small area(s) lose") == "7 open centres remain; 3 small areas lose"
    assert plain_message("0 agreement(s)") == "0 agreements"


def test_data_codes_are_said_in_words():
    said = plain_message("the gld_percent gap; each of early_years, la_social_care, jcp_employment and info_advice")
    assert said == ("the good level of development gap; each of early years provision, local authority social care, "
                    "Jobcentre Plus employment support and information and advice")
    assert "_" not in plain_message("IoD2019 deciles") and "Deprivation 2019" in plain_message("IoD2019 deciles")


def test_a_threshold_reads_by_what_it_counts_and_which_way_it_bites():
    spec = {"value": 3000, "unit": "metres, straight line", "kind": "policy"}
    assert parameter_words("max_distance_m", spec) == "at most 3,000 metres, straight line (a local policy choice)"
    assert parameter_words("warn_below_percent", {"value": 80.0, "unit": "percent of under-fives", "kind": "policy"}) \
        == "at risk below 80 percent of under-fives (a local policy choice)"
    assert parameter_words("interval_months", {"value": 60, "unit": "months between inspections", "kind": "law"}) \
        == "60 months between inspections (set in law)"
    # a text value is named by its unit; a threshold with no unit keeps its name, in words
    assert parameter_words("metric", {"value": "gld_percent", "unit": "outcome measure"}) == \
        "outcome measure: good level of development"
    assert parameter_words("tolerance", {"value": 2.5}) == "tolerance: 2.5"


def test_a_citation_keeps_its_sources_but_not_the_projects_note_files():
    from ccassure.reports.plain_text import citation_words

    assert citation_words("docs/legal/contract-kpis.md (Hackney: 3+ contacts); docs/legal/contract-kpis.md; "
                          "LGA 2018 Bristol") == "Hackney: 3+ contacts; LGA 2018 Bristol"
    assert citation_words("Childcare Act 2006 s.5A(4)(c)") == "Childcare Act 2006 s.5A(4)(c)"
    assert citation_words("docs/legal/contract-kpis.md (Stockton; ECCE 2014); Ofsted 2013") == \
        "Stockton; ECCE 2014; Ofsted 2013"
    assert citation_words(None) == ""
