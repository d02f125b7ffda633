"""A network scenario that exercises every supply mechanism at once."""

from __future__ import annotations

from typing import Any


def busy_network() -> dict[str, Any]:
    return {
        "name": "busy network",
        "provenance": "notional, test",
        "start": "2024-01-01",
        "duration": "120d",
        "interceptors": {"I": {"pk": 0.8}, "J": {"pk": 0.6}},
        "threats": {"T": {"class": "cruise_missile", "time_to_impact": "10m"}},
        "sites": {
            "A": {
                "interceptors": ["I", "J"],
                "stock": {"I": 30, "J": 10},
                "fire_channels": 3,
                "engagement_time": "5m",
                "launchers": {"I": {"count": 2, "rounds": 4, "reload_time": "2h"}},
                "resupply": [
                    {
                        "interceptor": "J",
                        "policy": "reorder_point",
                        "level": 12,
                        "reorder_at": 4,
                        "from": "depot",
                        "lead_time": "2d",
                    }
                ],
            },
            "B": {
                "interceptors": ["I"],
                "stock": {"I": 40},
                "fire_channels": 2,
                "engagement_time": "5m",
                "doctrine": {"mode": "shoot_look_shoot", "shots": 1, "opportunities": 2},
            },
            "C": {
                "interceptors": ["I"],
                "stock": {"I": 5},
                "fire_channels": 2,
                "engagement_time": "5m",
                "resupply": [
                    {
                        "interceptor": "I",
                        "policy": "base_stock",
                        "level": 5,
                        "from": "outside",
                        "lead_time": {"dist": "exponential", "mean": "3d"},
                    }
                ],
            },
        },
        "stockpiles": {
            "licensor": {"stock": {"I": 20}},
            "depot": {
                "stock": {"I": 50, "J": 40},
                "capacity": {"I": 400},
                "allocate": {
                    "to": ["A", "B"],
                    "interceptor": "I",
                    "policy": "lowest_stock_first",
                    "every": "5d",
                    "up_to": 40,
                    "floor": 5,
                    "lead_time": "1d",
                },
            },
        },
        "producers": {
            "licensee": {
                "interceptor": "I",
                "ramp": [{"at": "2024-01-01", "rate": "30/yr"}, {"at": "2024-03-01", "rate": "120/yr"}],
                "to": "licensor",
                "lead_time": {"dist": "uniform", "low": "5d", "high": "15d"},
            },
        },
        "transfers": [
            {
                "name": "export",
                "from": "licensee",
                "to": "licensor",
                "interceptor": "I",
                "at": "20d",
                "quantity": 3,
                "not_before": "30d",
            },
            {
                "name": "backfill",
                "from": "licensor",
                "to": "depot",
                "interceptor": "I",
                "backfill": "licensee -> licensor",
                "fraction": 1.0,
                "lead_time": "7d",
                "loss": 0.2,
            },
            {
                "name": "aid",
                "from": "outside",
                "to": "depot",
                "interceptor": "I",
                "rate": "2/d",
                "batch": 10,
                "lead_time": "4d",
                "loss": 0.1,
            },
            {
                "name": "donation",
                "from": "outside",
                "to": "depot",
                "interceptor": "J",
                "at": "10d",
                "every": "10d",
                "quantity": 6,
                "lead_time": "3d",
            },
        ],
        "route_events": [
            {"at": "40d", "route": "aid", "action": "pause"},
            {"at": "50d", "route": "aid", "action": "resume"},
            {"at": "60d", "route": "backfill", "action": "delay", "by": "10d"},
            {"at": "100d", "route": "donation", "action": "cancel"},
        ],
        "cross_levelling": [
            {"sites": ["A", "B"], "interceptor": "I", "every": "3d", "threshold": 5, "lead_time": "12h"}
        ],
        "attacks": [
            {
                "raid": {
                    "every": "1d",
                    "at": "02:00",
                    "spread": "2h",
                    "size": {"T": {"poisson": 6}},
                    "targets": {"A": 2, "B": 2, "C": 1},
                }
            }
        ],
        "deliveries": [{"at": "30d", "to": "B", "interceptor": "I", "quantity": 10}],
    }
