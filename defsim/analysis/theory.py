"""Closed-form results the simulator must reproduce (docs/background.md, "Theory the tests reproduce").

Handy in class too: compare a run with what the arithmetic says.
"""

from __future__ import annotations

import math


def salvo(p: float, n: int) -> tuple[float, float]:
    """Salvo of n shots, single-shot kill probability p: (P(kill), E[interceptors])."""
    return 1.0 - (1.0 - p) ** n, float(n)


def shoot_look_shoot(
    p: float, shots: int, opportunities: int, a: float = 1.0, b: float = 0.0
) -> tuple[float, float]:
    """Shoot-look-shoot: ``opportunities`` cycles of ``shots`` each; (P(kill), E[interceptors]).

    ``a`` = P(live target judged alive), ``b`` = P(dead target judged alive); a=1, b=0 is
    perfect kill assessment.
    """
    m = (1.0 - p) ** shots
    leak, dead_shots, expected = 1.0, 0.0, 0.0  # L_0, D_0, E_0
    for _ in range(opportunities):
        expected = shots + m * a * expected + (1.0 - m) * b * dead_shots
        leak = m * ((1.0 - a) + a * leak)
        dead_shots = shots + b * dead_shots
    return 1.0 - leak, expected


def erlang_b(c: int, a: float) -> float:
    """Share of arrivals lost with c channels and offered load a (Erlang B)."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def time_to_empty(stock: float, use: float, resupply: float = 0.0, lead_time: float = 0.0) -> float:
    """Deterministic time until stock runs out: use and resupply per day, resupply after a lead time."""
    if stock <= use * lead_time:
        return stock / use
    if use <= resupply:
        return math.inf
    return lead_time + (stock - use * lead_time) / (use - resupply)


def poisson_cdf(k: int, mean: float) -> float:
    if k < 0:
        return 0.0
    term = math.exp(-mean)
    total = term
    for i in range(1, k + 1):
        term *= mean / i
        total += term
    return total


def base_stock_fill_rate(base_stock: int, demand_rate: float, lead_time: float) -> float:
    """Palm's theorem: share of demands met from stock = P(Poisson(lambda L) <= S - 1)."""
    return poisson_cdf(base_stock - 1, demand_rate * lead_time)


def base_stock_backorders(base_stock: int, demand_rate: float, lead_time: float) -> float:
    """Expected backorders E[(X - S)+], X ~ Poisson(lambda L)."""
    mean = demand_rate * lead_time
    # E[(X-S)+] = E[X] - S + E[(S-X)+]
    below = sum((base_stock - k) * math.exp(-mean) * mean**k / math.factorial(k) for k in range(base_stock))
    return mean - base_stock + below
