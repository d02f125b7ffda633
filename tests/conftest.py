"""Shared helpers: small scenarios built in Python, so each test shows what it configures."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from defsim.api import RunResult
from defsim.engine import simulate
from defsim.engine.records import EventKind, EventLog
from defsim.plan.compiler import build
from defsim.scenario import from_dict

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "defsim" / "scenarios"  # the shipped scenarios (package data)
UNLIMITED = 10**9


def one_site(**site: Any) -> dict[str, Any]:
    """A one-site scenario; keyword arguments replace keys of the site."""
    base: dict[str, Any] = {
        "name": "test",
        "provenance": "notional, test",
        "duration": "20d",
        "interceptors": {"I": {"pk": 0.7}},
        "threats": {"T": {"class": "ballistic_missile"}},
        "sites": {
            "S": {
                "interceptors": ["I"],
                "stock": {"I": UNLIMITED},
                "fire_channels": 100,
                "engagement_time": "1m",
            }
        },
        "attacks": [{"stream": {"rate": "1000/d", "threats": "T"}}],
    }
    base["sites"]["S"].update(site)
    return base


def with_top(data: dict[str, Any], **top: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out.update(top)
    return out


def run_data(data: dict[str, Any], seed: int = 1, record_events: bool = True) -> RunResult:
    sc = from_dict(data)
    return RunResult(simulate(build(sc.spec), seed, 0, record_events), sc)


def shots_per_threat(result: RunResult) -> np.ndarray:
    ev = result.record.events
    assert ev is not None
    shots = ev.of(EventKind.SHOT)
    return np.bincount(shots.threat_id, weights=shots.n, minlength=result.record.arrivals)


def kills(result: RunResult) -> EventLog:
    ev = result.record.events
    assert ev is not None
    return ev.of(EventKind.KILL)


@pytest.fixture
def tmp_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path
