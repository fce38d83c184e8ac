"""Python check for CA06-S5D-DESIGNATION: centres that stopped being children's centres with no change
backed by a consultation (s.5D applies to "anything" that makes a centre cease to be one).

A centre has ceased when, having been a children's centre (designated, not closed) in the earlier register,
it is now closed, not designated, or gone from the register; or when GIAS records it closed (within the
look-back window) while it was a designated children's centre there or in the register. It is backed when a
closure, de-designation, merger or reduction below the definition names it and links a consultation that
exists. The subject is the authority; the evidence names each centre.
"""

from __future__ import annotations

from datetime import timedelta

from ccassure.rules import check

CC = ("childrens_centre", "family_hub_designated")
CEASING = ("close", "de_designate", "reduce_below_definition", "merge")


def _present(con, name: str) -> bool:
    return bool(con.sql("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                        params=[name]).fetchall()[0][0])


@check("designation_history")
def designation_history(ctx):
    con = ctx.con
    have_previous, have_gias = _present(con, "previous_centres"), _present(con, "gias_centres")
    window_start = ctx.period.end - timedelta(days=round(30.44 * float(ctx.params["lookback_months"])))
    current = {r[0]: r[1:] for r in con.sql(
        "SELECT centre_id, centre_name, authority_code, urn, designation, status FROM centres").fetchall()}
    ceased: dict[str, tuple[str, str, str]] = {}  # centre_id -> (authority, name, how)
    if have_previous:
        for cid, name, authority, designation, status in con.sql(
                "SELECT centre_id, centre_name, authority_code, designation, status FROM previous_centres").fetchall():
            if designation not in CC or status == "closed":
                continue
            now = current.get(cid)
            if now is None:
                ceased[cid] = (authority, name or cid, "is no longer in the centres register")
            elif now[3] not in CC:
                ceased[cid] = (now[1] or authority, now[0] or cid, f"is now recorded as {str(now[3]).replace('_', ' ')}")
            elif now[4] == "closed":
                ceased[cid] = (now[1] or authority, now[0] or cid, "is now recorded as closed")
    if have_gias:
        gias = {r[0]: r[1:] for r in con.sql(
            "SELECT urn, status, establishment_type, close_date FROM gias_centres").fetchall()}
        for cid, (name, authority, urn, designation, status) in current.items():
            record = gias.get(urn) if urn is not None else None
            if record is None or cid in ceased:
                continue
            g_status, g_type, g_close = record
            closed_recently = g_status == "closed" and (g_close is None or g_close >= window_start)
            if designation in CC and status != "closed" and closed_recently:
                ceased[cid] = (authority, name or cid, "is recorded as closed in GIAS")
    backed = set()
    if _present(con, "service_changes"):
        join = "AND EXISTS (SELECT 1 FROM consultations k WHERE k.consultation_id = c.consultation_id)" \
            if _present(con, "consultations") else "AND FALSE"
        backed = {r[0] for r in con.sql(
            f"SELECT DISTINCT centre_id FROM service_changes c WHERE change_type IN {CEASING} "
            f"AND consultation_id IS NOT NULL {join}").fetchall()}
    results = []
    for sid in ctx.subjects["__subject_id"]:
        if not (have_previous or have_gias):
            results.append({"subject_id": sid, "outcome": "missing",
                            "detail": "there is neither an earlier centres register nor a GIAS extract to compare with"})
            continue
        silent = sorted((cid, name, how) for cid, (authority, name, how) in ceased.items()
                        if authority == sid and cid not in backed)
        compared = " and ".join(x for x, on in (("the earlier register", have_previous), ("GIAS", have_gias)) if on)
        if silent:
            results.append({
                "subject_id": sid, "outcome": "fail", "observed": f"{len(silent)} centre(s)",
                "threshold": "no centre ceases to be a children's centre without a consulted change",
                "evidence": [{"table": "centres", "keys": {"centre_id": cid}} for cid, _, _ in silent[:10]],
                "detail": "; ".join(f"{name} {how}" for _, name, how in silent[:10]) + f" (compared with {compared})",
            })
        else:
            results.append({"subject_id": sid, "outcome": "pass", "observed": "0 centres",
                            "detail": f"compared with {compared}"})
    return results
