"""A holder's unfilled orders of one type, served oldest order first when it receives stock.

Base-stock reorders the sender cannot fill stay owed; a reorder-point site that was left short
waits for another look.  Both queue here in the order they fell short, so a holder that owes
several others serves them in turn, whatever their order in the scenario file.  An order whose
route is paused, or that the sender's floor holds back, keeps its place while younger orders
are served.
"""

from __future__ import annotations

from collections import deque

from .base import Claimant, Holder, SupplyNetwork


class Order:
    """Rounds a claimant is still owed, in the queue's order of falling short."""

    __slots__ = ("claimant", "rounds")

    def __init__(self, claimant: Claimant, rounds: int):
        self.claimant = claimant
        self.rounds = rounds


class Backorders:
    """The queue; it watches its holder's level (a :class:`~.base.LevelWatcher`) to serve orders
    when stock arrives."""

    def __init__(self, holder: Holder, itype: int):
        self.holder = holder
        self.itype = itype
        self.queue: deque[Order] = deque()  # oldest first

    def attach(self, net: SupplyNetwork) -> None:
        self.holder.subscribe(self.itype, self)

    def owe(self, claimant: Claimant, n: int) -> None:
        q = self.queue
        if q and q[-1].claimant is claimant:  # the youngest order is the same claimant's: one entry
            q[-1].rounds += n
        else:
            q.append(Order(claimant, n))

    def on_level(self, holder: Holder, itype: int, level: int, change: int) -> None:
        if change > 0 and self.queue:
            self.serve()

    def serve(self) -> None:
        waiting, self.queue = self.queue, deque()  # orders falling short while serving queue after
        kept: deque[Order] = deque()
        for order in waiting:
            if self.holder.level(self.itype) > 0:
                order.rounds = order.claimant.serve_owed(order.rounds)
            if order.rounds:
                kept.append(order)
        kept.extend(self.queue)
        self.queue = kept
