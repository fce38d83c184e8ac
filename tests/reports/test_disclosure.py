"""Disclosure control: no suppressed count can be worked back from what a table shows.

The adversarial tests play the reader: they enumerate every set of values the hidden cells could take
that agrees with everything published (totals, the counts shown, the percentages shown to one decimal
place, and the fact that a hidden cell is never zero), and require at least two possibilities for each
count that was small.
"""

import itertools

from ccassure.reports.disclosure import HIDDEN, Cell, Policy, Row, protect_family, protect_hierarchy

POLICY = Policy(threshold=5)


def test_small_counts_are_hidden_and_zero_is_not():
    assert POLICY.count(3) == HIDDEN and POLICY.count(0) == "0" and POLICY.count(5) == "5"
    assert Policy(threshold=0).count(3) == "3"


def test_a_rate_never_gives_back_its_hidden_numerator():
    cells = POLICY.rate(3, 18)  # the old "<5 / 18 = 16.7%"
    assert cells.numerator == HIDDEN and not cells.shown
    cells = POLICY.rate(4, 4)  # the old "<5 / <5 = 100.0%"
    assert cells.numerator == HIDDEN and cells.denominator == HIDDEN and not cells.shown


def test_a_small_complement_hides_the_numerator():
    cells = POLICY.rate(17, 18)  # would tell you 1 family was not
    assert cells.numerator == HIDDEN and cells.denominator == "18" and not cells.shown
    cells = POLICY.rate(18, 18)  # nobody left out says something about every family in the group
    assert cells.numerator == HIDDEN and cells.denominator == "18" and not cells.shown
    assert POLICY.rate(13, 18).shown  # 5 on the other side


def test_one_hidden_sibling_makes_a_second_one_hidden():
    children = [Cell(3, True), Cell(40), Cell(12)]
    total = Cell(55)
    assert protect_family(children, total)
    assert [c.hidden for c in children] == [True, False, True]


def _solutions(published_total, shown, hidden_count, upper):
    """Every assignment of the hidden cells (each 1..upper) that agrees with the published total."""
    target = published_total - sum(shown)
    return [combo for combo in itertools.product(range(1, upper + 1), repeat=hidden_count) if sum(combo) == target]


def test_adversarial_tables_leave_every_small_count_undetermined():
    tables = [[3, 40, 12], [1, 5, 5, 5], [4, 100], [2, 0, 0, 30], [1, 1, 50], [3, 6]]
    for values in tables:
        children = [Cell(v) for v in values]
        for c in children:
            c.hidden = POLICY.is_small(c.value)
        total = Cell(sum(values), hidden=POLICY.is_small(sum(values)))
        protect_family(children, total)
        if total.hidden:
            continue
        shown = [c.value for c in children if not c.hidden]
        hidden_idx = [i for i, c in enumerate(children) if c.hidden]
        solutions = _solutions(total.value, shown, len(hidden_idx), upper=total.value)
        for position, i in enumerate(hidden_idx):
            if POLICY.is_small(values[i]):
                possible = {s[position] for s in solutions}
                assert len(possible) >= 2, (values, possible)


def test_a_tree_of_centres_providers_and_authority_is_safe():
    # centres A (3, small) and B under provider P; C, D under Q; P and Q under the authority
    rows = [Row("A", Cell(3), Cell(50), ["P"]), Row("B", Cell(30), Cell(40), ["P"]),
            Row("C", Cell(20), Cell(30), ["Q"]), Row("D", Cell(25), Cell(35), ["Q"]),
            Row("P", Cell(33), Cell(90), ["T"]), Row("Q", Cell(45), Cell(65), ["T"]), Row("T", Cell(78), Cell(155))]
    out = protect_hierarchy(rows, POLICY)
    hidden = {k for k, r in out.items() if r.numerator.hidden}
    assert "A" in hidden and len(hidden & {"A", "B"}) == 2
    # the reader's search: numerators of A and B given P (shown), each hidden cell >= 1
    p = out["P"].numerator
    if not p.hidden:
        possible = {a for a in range(1, 41) for b in range(1, 41) if a + b == p.value}
        assert len(possible) >= 2


def test_percentages_are_shown_only_with_both_counts():
    rows = [Row("A", Cell(3), Cell(18), ["T"]), Row("B", Cell(30), Cell(40), ["T"]), Row("T", Cell(33), Cell(58))]
    out = protect_hierarchy(rows, POLICY)
    for r in out.values():
        shown = not (r.numerator.hidden or r.denominator.hidden)
        assert shown == POLICY.rate(r.numerator.value, r.denominator.value).shown or r.numerator.hidden


def test_a_rating_that_would_pin_a_hidden_numerator_is_withheld():
    # 9 of 10 with a 90% target: "green" beside a hidden count means 9 or 10 of 10, two counts that leave
    # fewer than 5 on the other side: the rating would tell the reader so, and is withheld
    assert not POLICY.rag_shown(9, 10, 90, 80, "higher")
    # 3 of 40 with a 90% target: "red" (below 80%) fits 0 to 31 of 40, most of them counts we print
    assert POLICY.rag_shown(3, 40, 90, 80, "higher")
    # 4 of 5, target 100%: not green, amber from 80%: amber pins the numerator to 4
    assert not POLICY.rag_shown(4, 5, 100, 80, "higher", numerator_hidden=True, denominator_hidden=False)


def test_sentences_never_give_a_small_count():
    assert POLICY.sentence_count(3, "families") == "a small number of families (fewer than 5)"
    assert POLICY.sentence_count(12, "families") == "12 families"


def test_the_policy_is_explained_in_words():
    note = POLICY.note()
    assert "fewer than 5" in note and "percentage" in note and "total" in note
    assert "1 to 4 people" in note and "none included" in note and "“0 of 12”" in note
    assert "100% or 0%" in note and "rating" in note and "at least 5 people on each side" in note


def test_a_sentence_with_small_counts_is_recognised():
    from ccassure.reports.disclosure import sentence_is_disclosive

    assert sentence_is_disclosive("records give 77.8 (14 of 18): a difference", POLICY)  # 4 left over
    assert sentence_is_disclosive("3 of 40 families", POLICY)
    assert not sentence_is_disclosive("486 of 565 within 3000 m", POLICY)
    assert not sentence_is_disclosive("only 4 of the 5 early childhood services", POLICY)  # not counts of people
