"""What a run records: event kinds and leak reasons, with their stable integer codes."""

from __future__ import annotations

# event-log codes (stable: outputs name them by these indices)
ARRIVAL, SHOT, KILL, LEAK, DELIVERY, RELOAD, PRODUCED, SHIPPED, LOST = range(9)
# actions of user processes (control.py): a route paused or resumed, a site's doctrine changed
PAUSED, RESUMED, DOCTRINE = range(9, 12)
EVENT_KINDS = (
    "arrival", "shot", "kill", "leak", "delivery", "reload", "produced", "shipped", "lost",
    "paused", "resumed", "doctrine",
)  # fmt: skip

# why a threat leaked
NO_STOCK, SATURATED, NOT_ENGAGED, MISSED = range(4)
REASONS = ("no_stock", "saturated", "not_engaged", "missed")
