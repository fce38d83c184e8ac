"""The reviewer's leaks, played by a reader who knows everything a committee paper prints.

Each test builds a small authority (centres in providers and clusters), runs it through the same
disclosure as the papers (``kpi_view.protected_kpis``) and then searches, by brute force, every set of
true figures the hidden cells could hold that agrees with what is printed: the counts shown, every total
(a provider, cluster or authority is the sum of its centres), the ratings shown and the rule that gave
them. A leak is a hidden figure that the search pins down, or a rating that leaves only counts the policy
would hide.
"""

import pandas as pd
import pytest

from ccassure.reports import kpi_view
from ccassure.reports.disclosure import HIDDEN, Cell, Policy, Rating, Row, protect_hierarchy, protect_ratings

POLICY = Policy(threshold=5)
T = POLICY.threshold


class FakeResults:
    """Just what protected_kpis reads: an authority's KPI rows and its centres."""

    def __init__(self, kpis: pd.DataFrame, centres: pd.DataFrame):
        self.kpis, self._centres = kpis, centres

    def kpis_for(self, authority=None, frameworks=None):
        return self.kpis[self.kpis["authority_code"] == authority]

    def centres(self, authority=None):
        return self._centres.copy()


def authority(centres, target=80.0, amber=60.0, minimum=0, kpi="K"):
    """One KPI table: ``centres`` maps id -> (provider, cluster, numerator, denominator); totals are sums."""
    rows = []

    def rag(n, d):
        if d < minimum or d == 0:
            return "not_rated", "too_few"
        value = n / d * 100
        return ("green" if value >= target else "amber" if value >= amber else "red"), None

    def add(subject_type, sid, provider, cluster, n, d):
        r, reason = rag(n, d)
        rows.append({"framework": "F", "kpi_id": kpi, "title": kpi, "subject_type": subject_type,
                     "subject_id": sid, "subject_name": sid, "authority_code": "A", "provider_id": provider,
                     "cluster": cluster, "period": "2017Q1", "window": "quarter", "numerator": float(n),
                     "denominator": float(d), "value": n / d * 100 if d else None, "unit": "percent",
                     "target": target, "amber_from": amber, "direction": "higher", "rag": r,
                     "rating_reason": reason, "parameters": f'{{"min_denominator": {minimum}}}',
                     "change_on_previous": None, "change_on_year_before": None})

    for sid, (provider, cluster, n, d) in centres.items():
        add("centre", sid, provider, cluster, n, d)
    for kind, index in (("provider", 0), ("cluster", 1)):
        for name in sorted({v[index] for v in centres.values()}):
            members = [v for v in centres.values() if v[index] == name]
            add(kind, name, members[0][0] if kind == "cluster" else name, None if kind == "provider" else name,
                sum(v[2] for v in members), sum(v[3] for v in members))
    add("authority", "A", None, None, sum(v[2] for v in centres.values()), sum(v[3] for v in centres.values()))
    kpis = pd.DataFrame(rows)
    listing = pd.DataFrame([{"subject_id": sid, "provider_id": v[0], "cluster": v[1]} for sid, v in centres.items()])
    return kpi_view.protected_kpis(FakeResults(kpis, listing), "A", POLICY)


def printed(table):
    """What the page shows of each row: (numerator text, denominator text, rating or None)."""
    return {r.subject_id: (r.numerator_text, r.denominator_text, r.rag if r.rag_shown else None)
            for r in table.itertuples()}


def worlds(table, centres, limit=40):
    """Every set of centre figures (numerator, denominator) that agrees with everything printed.

    A depth-first search over the centres, cut short where a partial sum already passes a printed total.
    """
    shown = printed(table)
    rows = {r.subject_id: r for r in table.itertuples()}
    ids = list(centres)
    groups = {}
    for sid, (provider, cluster, *_rest) in centres.items():
        for name in (provider, cluster, "A"):
            groups.setdefault(name, []).append(sid)
    caps = {}
    for sid in ids:  # a hidden denominator is at most its smallest printed total
        printed_dens = [int(shown[g][1]) for g in groups if sid in groups[g] and shown[g][1] != HIDDEN]
        caps[sid] = min(printed_dens + [limit])
    options = {}
    for sid in ids:
        num_text, den_text, _ = shown[sid]
        dens = [int(den_text)] if den_text != HIDDEN else range(0, caps[sid] + 1)
        options[sid] = [(n, d) for d in dens for n in (range(0, d + 1) if num_text == HIDDEN else [int(num_text)])
                        if n <= d and agrees(rows[sid], shown[sid], n, d)]
    out = []

    def search(i, world):
        if i == len(ids):
            if all(agrees(rows[g], shown[g], sum(world[s][0] for s in m), sum(world[s][1] for s in m))
                   for g, m in groups.items()):
                out.append(dict(world))
            return
        sid = ids[i]
        for option in options[sid]:
            world[sid] = option
            if all(over(shown[g], [world[s] for s in m if s in world]) for g, m in groups.items() if sid in m):
                search(i + 1, world)
            del world[sid]

    search(0, {})
    return out


def over(shown, parts):
    """False when the figures so far already pass a printed total (they can only grow)."""
    num_text, den_text, _ = shown
    return not (num_text != HIDDEN and sum(p[0] for p in parts) > int(num_text)
                or den_text != HIDDEN and sum(p[1] for p in parts) > int(den_text))


def agrees(row, shown, n, d):
    num_text, den_text, rating = shown
    if num_text != HIDDEN and int(num_text) != n or den_text != HIDDEN and int(den_text) != d:
        return False
    if rating in ("green", "amber", "red"):
        value = n / d * 100 if d else None
        if value is None:
            return False
        band = "green" if value >= row.target else "amber" if value >= row.amber_from else "red"
        return band == rating
    return True


# 1. Nobody on the other side ------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [5, 6, 7, 9, 12, 26, 145])
def test_a_count_that_leaves_nobody_on_the_other_side_is_hidden(n):
    """"5 of 5" tells you something about every family in the group: the note says it is hidden, and it is."""
    cells = POLICY.rate(n, n)
    assert cells.numerator == HIDDEN and not cells.shown
    assert cells.denominator == (HIDDEN if n < T else f"{n:,}")
    assert "none included" in POLICY.note()


def test_a_count_of_none_is_shown_as_the_note_says():
    assert POLICY.rate(0, 12).shown and POLICY.rate(0, 12).numerator == "0"
    assert not POLICY.rate(0, 3).shown  # the group itself is small
    assert "“0 of 12”" in POLICY.note()


def test_the_same_figures_at_two_centres_get_the_same_treatment():
    """Reviewer: 5 of 5 shown at one centre and hidden at another. Both are hidden, in whatever company."""
    centres = {"C01": ("P1", "Amber", 5, 5), "C02": ("P1", "Amber", 6, 6), "C03": ("P1", "Amber", 8, 8),
               "C09": ("P1", "Kestrel", 3, 3), "C10": ("P1", "Kestrel", 7, 7), "C11": ("P1", "Kestrel", 5, 5),
               "C12": ("P1", "Kestrel", 6, 6), "C20": ("P2", "Schools", 30, 40)}
    shown = printed(authority(centres))
    assert shown["C01"] == shown["C11"] and shown["C01"][0] == HIDDEN
    assert all(shown[c][0] == HIDDEN for c in ("C01", "C02", "C03", "C10", "C11", "C12"))


def test_two_rows_with_the_same_figures_in_one_family_are_treated_alike_in_any_order():
    def hidden(order):
        rows = [Row(k, Cell(n), Cell(d), ["T"]) for k, n, d in order]
        rows.append(Row("T", Cell(sum(r[1] for r in order)), Cell(sum(r[2] for r in order))))
        return {k for k, r in protect_hierarchy(rows, POLICY).items() if r.numerator.hidden}

    family = [("A", 3, 20), ("B", 10, 30), ("C", 10, 30), ("D", 40, 60)]
    first = hidden(family)
    assert first == hidden(list(reversed(family))) == hidden(family[2:] + family[:2])
    assert ("B" in first) == ("C" in first)


# 2. A parent at 100% or 0% --------------------------------------------------------------------------------

WEXCOMBE_TOWN = {"C17": ("Meadowlark", "Wexcombe Town", 4, 4), "C18": ("Meadowlark", "Wexcombe Town", 4, 4),
                 "C19": ("Meadowlark", "Wexcombe Town", 2, 2), "C01": ("Bright", "Ambervale", 6, 9),
                 "C02": ("Bright", "Ambervale", 7, 10)}


def test_a_parent_at_100_percent_does_not_give_away_its_hidden_centres():
    """Wexcombe Town and Meadowlark were "10 of 10, 100.0%" over centres shown as "c of c"."""
    table = authority(WEXCOMBE_TOWN)
    shown = printed(table)
    assert shown["C17"][:2] == shown["C18"][:2] == shown["C19"][:2] == (HIDDEN, HIDDEN)
    for parent in ("Meadowlark", "Wexcombe Town"):
        row = table[table.subject_id == parent].iloc[0]
        assert not row.value_shown and row.numerator_text == HIDDEN, (parent, row.count_text)
    possible = worlds(table, WEXCOMBE_TOWN)
    for sid in ("C17", "C18", "C19"):
        assert len({w[sid] for w in possible}) >= 2
        assert any(w[sid][0] != w[sid][1] for w in possible), f"{sid} is known to be at 100%"


def test_a_parent_whose_other_side_is_used_up_by_shown_rows_gives_nothing_away():
    """Parent 20 of 30 with a shown 10 of 20: the other side (10) is all at the shown row, so the hidden
    centres would be known to be at 100% if the parent's count were printed."""
    rows = [Row("A", Cell(10), Cell(20), ["P"]), Row("B", Cell(4), Cell(4), ["P"]), Row("C", Cell(6), Cell(6), ["P"]),
            Row("P", Cell(20), Cell(30))]
    out = protect_hierarchy(rows, POLICY)
    other = {k: None if r.numerator.hidden or r.denominator.hidden else r.denominator.value - r.numerator.value
             for k, r in out.items()}
    hidden_others = [k for k in ("A", "B", "C") if other[k] is None]
    assert other["P"] is None or len(hidden_others) >= 2 and other["P"] - sum(
        v for k, v in other.items() if k != "P" and v is not None) > len(hidden_others)


def test_a_parent_at_0_percent_does_not_give_away_its_hidden_centres():
    centres = {"C1": ("P", "G", 0, 3), "C2": ("P", "G", 0, 2), "C3": ("P", "G", 0, 12), "C4": ("Q", "H", 9, 20)}
    table = authority(centres)
    shown = printed(table)
    assert shown["C1"][:2] == (HIDDEN, HIDDEN) and shown["C3"][:2] == ("0", "12")
    possible = worlds(table, centres, limit=20)
    for sid in ("C1", "C2"):
        assert any(w[sid][0] > 0 for w in possible), f"{sid} is known to be at 0%"


def test_no_parent_of_hidden_centres_is_printed_at_100_or_0_percent():
    table = authority(WEXCOMBE_TOWN)
    for row in table[table.subject_type != "centre"].itertuples():
        if row.value_shown:
            assert 0 < row.numerator < row.denominator


# 3. A rating beside a hidden count ------------------------------------------------------------------------

def test_a_rating_that_bounds_a_hidden_count_into_the_hidden_range_is_withheld():
    """Port Ellery: "c of 12, Green: on target" (target 80%) meant 10, 11 or 12 of 12, all counts we hide."""
    assert not POLICY.rag_shown(11, 12, 80, 60, "higher", numerator_hidden=True, denominator_hidden=False)
    # "c of 40, Green" leaves 32 to 40, and 32 to 35 have 5 or more on each side: the rating may stand
    assert POLICY.rag_shown(33, 40, 80, 60, "higher", numerator_hidden=True, denominator_hidden=False)
    # a rating beside a hidden denominator is never given
    assert not POLICY.rag_shown(11, 12, 80, 60, "higher", numerator_hidden=True, denominator_hidden=True)


def test_every_rating_shown_beside_a_hidden_count_also_fits_a_printable_count():
    for den in range(1, 41):
        for n in range(0, den + 1):
            for target, amber, direction in ((80, 60, "higher"), (90, 75, "higher"), (10, 20, "lower")):
                if not POLICY.rag_shown(n, den, target, amber, direction, True, False):
                    continue
                lower = direction == "lower"

                def band(k, den=den, target=target, amber=amber, lower=lower):
                    v = k / den * 100
                    return ("green" if (v <= target if lower else v >= target) else
                            "amber" if (v <= amber if lower else v >= amber) else "red")
                fits = [k for k in range(0, den + 1) if band(k) == band(n)]
                assert len(fits) >= 2 and any(k >= T and den - k >= T for k in fits), (n, den, target)


def test_ratings_of_neighbours_and_totals_cannot_together_narrow_a_hidden_count():
    """Pennybridge: two amber centres of 13 and the cluster total left the green centre at 17 to 19 of 19."""
    centres = {"C13": ("P", "Penny", 9, 13), "C14": ("P", "Penny", 17, 19), "C15": ("P", "Penny", 9, 13),
               "C16": ("P", "Penny", 14, 22), "C20": ("Q", "Schools", 19, 24)}
    table = authority(centres, target=70, amber=50)
    possible = worlds(table, centres)
    shown = printed(table)
    for sid in centres:
        if shown[sid][0] == HIDDEN and shown[sid][2]:
            den = int(shown[sid][1])
            counts = {w[sid][0] for w in possible}
            assert len(counts) >= 2 and any(k >= T and den - k >= T for k in counts), (sid, sorted(counts))


def test_protect_ratings_keeps_a_rating_that_reveals_nothing():
    """A hidden 3 of 40 and its secondary partner 20 of 40 add up to 23 (the total 53 less the 30 shown).
    Red (below 60%) fits 0 to 23 of 40 for each, and 5 to 18 have 5 or more on each side: both ratings stay."""
    rows = protect_hierarchy([Row("A", Cell(3), Cell(40), ["T"]), Row("B", Cell(30), Cell(40), ["T"]),
                              Row("C", Cell(20), Cell(40), ["T"]), Row("T", Cell(53), Cell(120))], POLICY)
    assert [k for k, r in rows.items() if r.numerator.hidden] == ["A", "C"]
    rule = Rating(80, 60, "higher")
    assert protect_ratings(rows, POLICY, {k: rule for k in rows}) == {"A": True, "B": True, "C": True, "T": True}


def test_protect_ratings_withholds_a_rating_the_total_narrows():
    """A hidden 2 of 20 (red) and its secondary partner 14 of 20 (amber) must add up to 16 (the total 46
    less the 30 shown). Amber (60% to 80%) puts the partner at 12 to 15, so the small one is 1 to 4: red
    beside it would fit only counts we hide, though on its own red fits 0 to 11 of 20. That rating goes."""
    rows = protect_hierarchy([Row("A", Cell(2), Cell(20), ["T"]), Row("B", Cell(14), Cell(20), ["T"]),
                              Row("C", Cell(30), Cell(40), ["T"]), Row("T", Cell(46), Cell(80))], POLICY)
    assert rows["A"].numerator.hidden and rows["B"].numerator.hidden
    rule = Rating(80, 60, "higher")
    kept = protect_ratings(rows, POLICY, {k: rule for k in rows})
    assert POLICY.rag_shown(2, 20, 80, 60, "higher", True, False)  # on its own, red fits 0 to 11 of 20
    assert kept == {"A": False, "B": True, "C": True, "T": True}


def _windows_table(quarters: dict[str, tuple[int, int]], ytd: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """One centre's KPI in several quarters and its year to date (which adds up from the quarters)."""
    rows = []
    for window, figures in (("quarter", quarters), ("year_to_date", ytd)):
        for period, (n, d) in figures.items():
            rows.append({"framework": "F", "kpi_id": "K", "title": "K", "subject_type": "centre", "subject_id": "C1",
                         "subject_name": "C1", "authority_code": "A", "provider_id": "P", "cluster": "G",
                         "period": period, "window": window, "numerator": float(n), "denominator": float(d),
                         "value": n / d * 100, "unit": "percent", "target": None, "amber_from": None,
                         "direction": "higher", "rag": "not_rated", "rating_reason": "no_target",
                         "parameters": "{}", "change_on_previous": None, "change_on_year_before": None})
    listing = pd.DataFrame([{"subject_id": "C1", "provider_id": "P", "cluster": "G"}])
    return kpi_view.protected_kpis(FakeResults(pd.DataFrame(rows), listing), "A", POLICY)


def test_a_hidden_quarter_cannot_be_had_from_the_year_to_date_less_the_quarters_shown():
    # April-June 10 of 20, July-September 3 of 6 (hidden): the year to date 13 of 26 would give back 3 of 6
    table = _windows_table({"2016Q2": (10, 20), "2016Q3": (3, 6)}, {"2016Q2": (10, 20), "2016Q3": (13, 26)})
    shown = {(r.window, r.period): (r.numerator_text, r.denominator_text) for r in table.itertuples()}
    assert shown[("quarter", "2016Q3")][0] == HIDDEN
    # 13 - 10 would give the 3 back: one of the two must be hidden too
    assert HIDDEN in (shown[("year_to_date", "2016Q3")][0], shown[("quarter", "2016Q2")][0])


def test_a_year_to_date_of_distinct_people_that_does_not_add_up_is_not_forced_into_the_sum():
    # a family seen in both quarters counts once in the year: 10 + 9 != 15, so no sum holds and nothing more hides
    table = _windows_table({"2016Q2": (10, 20), "2016Q3": (9, 18)}, {"2016Q2": (10, 20), "2016Q3": (15, 30)})
    assert all(HIDDEN not in (r.numerator_text, r.denominator_text) for r in table.itertuples())
