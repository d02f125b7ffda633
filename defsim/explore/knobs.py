"""The explorer's controls: a scenario's declared ``knobs:``, or knobs derived from the scenario.

A control sets one key of the scenario, exactly as ``--set key=value`` would: the page turns
every control moved away from the file's value into one ``--set`` line, and the scenario is
loaded again with those lines through the CLI's loader.  A scenario without ``knobs:`` gets
controls for what usually matters: each site's stock per type, fire channels and salvo size,
delivery quantities, stream rates, transfers on or off, and the dates of approvals, ramps and
route events.  Nothing here imports Streamlit, so it is tested without a page.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from ..scenario import InputError, Scenario
from ..scenario.schema_knobs import MAX_KNOBS, Knob, control, date_of, number_of, value_at

SLIDER, CHOICE, TOGGLE, DATE = "slider", "choice", "toggle", "date"


@dataclass(frozen=True)
class Control:
    """One control of the page: the key it sets and how (slider, choice, toggle or date)."""

    key: str
    label: str
    kind: str
    #: the file's value, as the control holds it (a number, an option, a bool or a date)
    value: Any
    help: str = ""
    min: float = 0.0
    max: float = 0.0
    step: float = 1.0
    unit: str = ""
    options: tuple[Any, ...] = field(default_factory=tuple)

    @property
    def integer(self) -> bool:
        """A whole-number slider (counts): min, max, step and the file's value all whole."""
        return self.kind == SLIDER and all(
            float(x).is_integer() for x in (self.min, self.max, self.step, self.value)
        )

    def typed(self, value: Any) -> Any:
        """A value as this control holds it (int for whole-number sliders)."""
        if self.kind == SLIDER:
            x = float(value)
            return round(x) if self.integer else x
        return value

    def text(self, value: Any) -> str:
        """The value as a --set writes it: ``28``, ``4.5/d``, ``false``, ``2025-11-01``."""
        if self.kind == SLIDER:
            x = number_of(value, self.unit) if isinstance(value, str) else float(value)
            if x is None:
                return str(value)
            number = str(int(x)) if x.is_integer() else f"{x:g}"
            return number + self.unit
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return str(value)

    def assignment(self, value: Any) -> str:
        return f"{self.key}={self.text(value)}"

    def parse(self, text: str) -> Any:
        """A value from its --set text (a shared link); InputError if the control cannot hold it."""
        if self.kind == SLIDER:
            x = number_of(text, self.unit)
            if x is None or not math.isfinite(x):
                raise InputError(f"{self.key}: expected a number, got {text!r}")
            return self.typed(min(max(x, self.min), self.max))
        if self.kind == TOGGLE:
            if text.strip().lower() not in ("true", "false"):
                raise InputError(f"{self.key}: expected true or false, got {text!r}")
            return text.strip().lower() == "true"
        if self.kind == DATE:
            d = date_of(text)
            if d is None:
                raise InputError(f"{self.key}: expected a date such as 2025-11-01, got {text!r}")
            return d
        for option in self.options:
            if self.text(option) == text.strip():
                return option
        raise InputError(
            f"{self.key}: expected one of {', '.join(map(self.text, self.options))}, got {text!r}"
        )

    def same(self, a: Any, b: Any) -> bool:
        return self.text(a) == self.text(b)


def _declared(knob: Knob, data: dict[str, Any]) -> Control:
    _, raw = value_at(data, knob.key)
    kind = control(knob, raw)
    key = knob.key.strip()
    if kind == SLIDER:
        assert knob.min is not None and knob.max is not None
        x = number_of(raw, knob.unit)
        assert x is not None
        whole = all(float(v).is_integer() for v in (knob.min, knob.max, x))
        step = knob.step if knob.step is not None else (1.0 if whole else (knob.max - knob.min) / 100)
        value: Any = int(x) if whole and float(step).is_integer() else x
        return Control(key, knob.label, SLIDER, value, knob.help, knob.min, knob.max, step, knob.unit)
    if kind == CHOICE:
        options = tuple(knob.options or ())
        value = raw if raw in options else options[0]
        return Control(key, knob.label, CHOICE, value, knob.help, options=options)
    if kind == TOGGLE:
        return Control(key, knob.label, TOGGLE, bool(raw), knob.help)
    return Control(key, knob.label, DATE, date_of(raw), knob.help)


def _nice_max(x: float, least: float) -> float:
    """A slider's top for a count now at x: about three times it, rounded up to a round number."""
    top = max(3 * x, least)
    scale = 10 ** max(math.floor(math.log10(top)) - 1, 0)
    return float(math.ceil(top / scale) * scale)


def _count(key: str, label: str, x: Any, help: str, least: float = 10, low: float = 0.0) -> Control | None:
    if isinstance(x, bool) or not isinstance(x, int):
        return None
    top = _nice_max(x, least)
    step = max(1.0, float(10 ** max(math.floor(math.log10(top)) - 2, 0)))
    return Control(key, label, SLIDER, x, help, low, top, step)


_RATE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(/\s*[0-9]*\s*[A-Za-z]+)\s*$")


def _rate(key: str, label: str, x: Any, help: str) -> Control | None:
    if isinstance(x, int | float) and not isinstance(x, bool):
        return Control(key, label, SLIDER, float(x), help, 0.0, _nice_max(float(x), 1), max(x, 1) / 20)
    m = _RATE.match(str(x))
    if not m:
        return None
    v, unit = float(m.group(1)), m.group(2).replace(" ", "")
    top = _nice_max(v, 1)
    return Control(key, label, SLIDER, v, help, 0.0, top, top / 100, unit)


def _date(key: str, label: str, x: Any, help: str) -> Control | None:
    d = date_of(x)
    return Control(key, label, DATE, d, help) if d is not None and not isinstance(x, int | float) else None


def _whole(x: Any) -> TypeGuard[int]:
    return isinstance(x, int) and not isinstance(x, bool)


def _site(name: str, site: dict[str, Any]) -> list[Control | None]:
    """A site's stock per type, fire channels and rounds per engagement."""
    out: list[Control | None] = [
        _count(
            f"sites.{name}.stock.{itype}",
            f"{name}: {itype} rounds at the start",
            n,
            f"How many {itype} rounds {name} holds on day 0.",
        )
        for itype, n in (site.get("stock") or {}).items()
    ]
    fc = site.get("fire_channels")
    if _whole(fc):
        out.append(
            Control(
                f"sites.{name}.fire_channels",
                f"{name}: fire channels",
                SLIDER,
                fc,
                "How many threats the site can engage at once.",
                1.0,
                float(max(2 * fc, 8)),
                1.0,
            )
        )
    doctrine = site.get("doctrine")
    shots = doctrine.get("shots") if isinstance(doctrine, dict) else None
    if _whole(shots):
        out.append(
            Control(
                f"sites.{name}.doctrine.shots",
                f"{name}: rounds per engagement",
                SLIDER,
                shots,
                "The doctrine's shots: more rounds per threat, a better chance of a kill, "
                "the stock gone sooner.",
                1.0,
                float(max(4, shots)),
                1.0,
            )
        )
    return out


def _flows(data: dict[str, Any]) -> list[Control | None]:
    """Delivery quantities, attack stream rates and transfers on or off."""
    out: list[Control | None] = []
    for i, d in enumerate(data.get("deliveries") or []):
        if isinstance(d, dict):
            where = f" to {d.get('to')}" if d.get("to") else ""
            label = f"Delivery {i + 1}{where}: rounds each time"
            quantity = d.get("quantity")
            out.append(
                _count(f"deliveries.{i}.quantity", label, quantity, "Rounds each delivery brings.", low=1.0)
            )
    for i, a in enumerate(data.get("attacks") or []):
        if isinstance(a, dict) and isinstance(a.get("stream"), dict):
            label = f"Attack {a['stream'].get('label') or f'stream {i + 1}'}: rate"
            rate = a["stream"].get("rate")
            out.append(
                _rate(f"attacks.{i}.stream.rate", label, rate, "Threats per unit time of the Poisson stream.")
            )
    for i, t in enumerate(data.get("transfers") or []):
        enabled = t.get("enabled", True) if isinstance(t, dict) else None
        if isinstance(enabled, bool):
            name = t.get("name") or f"{t.get('from')} -> {t.get('to')}"
            out.append(
                Control(
                    f"transfers.{i}.enabled",
                    f"Route {name} open",
                    TOGGLE,
                    enabled,
                    "Off cuts the route: nothing moves on it.",
                )
            )
    return out


def _dates(data: dict[str, Any]) -> list[Control | None]:
    """The dates of approvals, production ramps and route events: (key, label, help, value) each."""
    found: list[tuple[str, str, str, Any]] = []
    for name, p in (data.get("producers") or {}).items():
        if not isinstance(p, dict):
            continue
        if "not_before" in p:
            approval = "Approval: before this date its output stays with it."
            found.append(
                (f"producers.{name}.not_before", f"{name}: output ships from", approval, p["not_before"])
            )
        steps = [(j, s) for j, s in enumerate(p.get("ramp") or []) if isinstance(s, dict) and "at" in s]
        found += [
            (
                f"producers.{name}.ramp.{j}.at",
                f"{name}: rate step {j + 1} on",
                "When the producer's output changes to this step's rate.",
                step["at"],
            )
            for j, step in steps
        ]
    for i, e in enumerate(data.get("route_events") or []):
        if isinstance(e, dict) and "at" in e:
            label = f"Route event {i + 1} ({e.get('action', '')}) on"
            found.append(
                (
                    f"route_events.{i}.at",
                    label,
                    f"When the route {e.get('route', '')} sees this event.",
                    e["at"],
                )
            )
    return [_date(key, label, value, help) for key, label, help, value in found]


def derived(data: dict[str, Any]) -> list[Control]:
    """Controls for a scenario without ``knobs:``, read from what the file holds: each site's stock
    per type, fire channels and salvo size, then deliveries, streams and transfers, then dates."""
    out: list[Control | None] = []
    for name, site in (data.get("sites") or {}).items():
        if isinstance(site, dict):
            out += _site(name, site)
    out += _flows(data) + _dates(data)
    return [c for c in out if c is not None][:MAX_KNOBS]


def controls(scenario: Scenario) -> list[Control]:
    """The page's controls: the scenario's ``knobs:`` if it declares any, else derived ones."""
    data = scenario.source.data
    if scenario.spec.knobs:
        return [_declared(k, data) for k in scenario.spec.knobs]
    return derived(data)
