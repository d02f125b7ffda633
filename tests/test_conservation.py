"""Conservation: at every instant, initial stock + delivered = fired + held, per site and type."""

from __future__ import annotations

import numpy as np
import pytest

import defsim
from defsim.engine.site import DELIVERY, SHOT
from tests.conftest import ROOT


@pytest.mark.parametrize("name", ["textbook", "nightly_raids", "multi_site"])
def test_stock_changes_are_exactly_deliveries_minus_shots(name):
    result = defsim.run(defsim.load(ROOT / "scenarios" / f"{name}.yaml"), seed=2)
    rec = result.record
    ev = rec.events
    assert ev is not None
    site_of = {}
    for sid, (holder, itype) in enumerate(rec.series):
        s_idx = rec.plan.site_names.index(holder)
        site_of[(s_idx, rec.plan.interceptors.index(itype))] = sid
    checked = 0
    for sid in range(len(rec.series)):
        s_idx, itype = next(k for k, v in site_of.items() if v == sid)
        rows = rec.stock[rec.stock[:, 1] == sid]
        level = np.concatenate([[rec.initial[sid]], rows[:, 2]])
        ready = rows[:, 3]
        assert (level >= 0).all() and (ready >= 0).all() and (ready <= rows[:, 2]).all()
        changes = np.diff(level)
        changes = changes[changes != 0]  # reload rows move rounds onto launchers: level unchanged
        mine = ev[(ev[:, 2] == s_idx) & (ev[:, 5] == itype) & np.isin(ev[:, 1], [SHOT, DELIVERY])]
        flows = np.where(mine[:, 1] == SHOT, -mine[:, 6], mine[:, 6])
        # the same flows in the same order: every change of stock is a shot or a delivery
        assert changes.tolist() == flows.tolist()
        # initial + delivered - fired = held, after every change
        held_after = rec.initial[sid] + np.cumsum(flows)
        assert held_after.tolist() == level[1:][np.diff(level) != 0].tolist()
        delivered = mine[mine[:, 1] == DELIVERY, 6].sum()
        fired = mine[mine[:, 1] == SHOT, 6].sum()
        assert rec.initial[sid] + delivered == fired + level[-1]
        assert fired == rec.shots[s_idx, itype]
        checked += len(flows)
    assert checked > 50


def test_every_threat_is_accounted_for():
    result = defsim.run(defsim.load(ROOT / "scenarios" / "multi_site.yaml"), seed=4)
    for name, t in result.summary["threats"].items():
        assert t["arrived"] == t["killed"] + t["leaked"] + t["unresolved_at_end"], name
        assert t["leaked"] == sum(t["leaked_by_reason"].values())
        assert t["engaged"] <= t["arrived"]
        assert t["killed"] <= t["engaged"]
