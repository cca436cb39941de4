"""The optimal batch assignment of the mentor matching (SPEC section 7): a min-cost flow
solved exactly by LEMON's network simplex (the ``pylmcf`` package, 2.5 MB), first over a
shortlist of pairs grown by pricing, whose answer is kept only once an LP duality certificate
(``is_optimal``) proves it optimal over every allowed pair.

Why LEMON: OR-Tools did the same in 209 MB; HiGHS (``highspy``) stalls on this degenerate
transportation LP (over 15 minutes at 960,000 pairs); scipy is heavier than the limit allows;
``lap`` solves only square, dense assignments."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pylmcf import Graph

SHORTLISTS = (32,)
"""Best pairs per student a solve starts from before all of them (see ``optimal_assignment``)."""
PRICING_ROUNDS = 10
"""Solves per shortlist, each adding the pairs the last one's prices say are worth having."""
CERTIFY_CHUNK = 2048
"""Students per slab when pricing or checking optimality, to bound the memory it takes."""
COST_LIMIT = 2**62
"""The network simplex works in int64: every total cost must stay below this."""


def optimal_assignment(
    profit: np.ndarray,
    allowed: np.ndarray,
    seats: Sequence[int] | np.ndarray,
    *,
    shortlists: Sequence[int] = SHORTLISTS,
) -> np.ndarray:
    """The mentor index for each student (row), or -1: the most students placed over the
    ``allowed`` pairs within ``seats``, and among those the largest total integer ``profit``.

    Exact. Each shortlist first solves with only each student's best-scoring pairs, then adds
    every allowed pair whose reduced cost at that solve's prices is negative and solves again
    (column generation), and keeps the answer only when ``is_optimal`` proves it optimal over
    every allowed pair; otherwise (or when a shortlist would not be shorter) every allowed pair
    goes to the solver."""
    profit = np.asarray(profit, dtype=np.int64)
    seats = np.maximum(np.asarray(seats, dtype=np.int64), 0)
    allowed = np.asarray(allowed, dtype=bool) & (seats > 0)[None, :]
    n, m = allowed.shape
    if not allowed.any():
        return np.full(n, -1, dtype=np.int64)
    flow = _MinCostFlow(profit, allowed, seats)
    for size in shortlists:
        if size >= m:
            break
        listed = _best_pairs(profit, allowed, size)
        for _ in range(PRICING_ROUNDS):
            placed, potentials = flow.solve(listed)
            more = flow.priced_in(listed, potentials)
            if not more.any():
                break
            listed |= more
        if is_optimal(profit, allowed, seats, placed):
            return placed
    return flow.solve(allowed)[0]


def _best_pairs(profit: np.ndarray, allowed: np.ndarray, size: int) -> np.ndarray:
    """A mask of each student's ``size`` best-scoring allowed pairs (fewer when fewer are
    allowed)."""
    n = allowed.shape[0]
    ranked = np.where(allowed, profit, np.iinfo(np.int64).min)
    best = np.argpartition(ranked, ranked.shape[1] - size, axis=1)[:, -size:]
    listed = np.zeros_like(allowed)
    listed[np.arange(n)[:, None], best] = True
    mask: np.ndarray = listed & allowed
    return mask


class _MinCostFlow:
    """Source -> each student (capacity 1) -> each listed mentor -> sink (capacity = seats),
    plus source -> sink for the students left out; a flow of one unit per student.

    Costs must be non-negative: a pair costs ``top - profit`` (``top`` the largest allowed
    profit), and leaving a student out costs ``big``, more than any augmenting path can gain
    in profit (a simple path crosses at most min(students, mentors) pairs forward, each worth
    at most the profit ``span``), so the least cost places the most students first and then
    has the largest total profit."""

    def __init__(self, profit: np.ndarray, allowed: np.ndarray, seats: np.ndarray) -> None:
        self.profit, self.allowed, self.seats = profit, allowed, seats
        n, m = allowed.shape
        self.top = int(profit[allowed].max())
        span = self.top - int(profit[allowed].min())
        self.big = span * min(n, m) + 1
        if n * (self.big + span) >= COST_LIMIT:
            raise OverflowError(
                f"{n} students with profits {span} apart are beyond the solver's int64 costs"
            )

    def solve(self, listed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The optimal assignment over the ``listed`` pairs, and the node potentials (LEMON's
        duals: an arc's reduced cost is its cost + potential[start] - potential[end])."""
        n, m = listed.shape
        rows, cols = np.nonzero(listed)  # row-major: the arcs sorted by (start, end)
        arcs = len(rows)
        source, sink = n + m, n + m + 1
        graph = Graph(
            n + m + 2,
            np.concatenate([rows, np.arange(m) + n, np.full(n + 1, source)]).astype(np.int64),
            np.concatenate([cols + n, np.full(m, sink), np.arange(n), [sink]]).astype(np.int64),
        )
        supply = np.zeros(n + m + 2, dtype=np.int64)
        supply[source], supply[sink] = n, -n
        graph.set_node_supply(supply)
        graph.set_edge_capacities(
            np.concatenate([np.ones(arcs, np.int64), self.seats, np.ones(n, np.int64), [n]])
        )
        graph.set_edge_costs(
            np.concatenate(
                [self.top - self.profit[rows, cols], np.zeros(m + n, np.int64), [self.big]]
            ).astype(np.int64)
        )
        graph.solve()
        used = graph.result()[:arcs] > 0
        placed = np.full(n, -1, dtype=np.int64)
        placed[rows[used]] = cols[used]
        return placed, graph.potentials()

    def priced_in(self, listed: np.ndarray, potentials: np.ndarray) -> np.ndarray:
        """The allowed pairs not ``listed`` with a negative reduced cost at ``potentials``:
        those that could still improve the answer (none: it is optimal over every pair)."""
        n, m = listed.shape
        student, mentor = potentials[:n], potentials[n : n + m]
        more = np.zeros_like(listed)
        for start in range(0, n, CERTIFY_CHUNK):
            part = slice(start, start + CERTIFY_CHUNK)
            # reduced cost top - profit + student - mentor < 0
            worth = self.profit[part] - student[part, None] + mentor[None, :] > self.top
            more[part] = worth & self.allowed[part] & ~listed[part]
        return more


def is_optimal(
    profit: np.ndarray, allowed: np.ndarray, seats: np.ndarray, placed: np.ndarray
) -> bool:
    """Whether ``placed`` is a valid assignment that places the most students and, among those,
    has the largest total profit: an LP duality certificate, exact in integers.

    With M larger than any total profit, the goal is the maximum-weight assignment for the
    weights profit + M. ``placed`` is optimal iff mentor prices v exist with v >= 0, v = 0 for a
    mentor with a free seat, every placed student's own pair at least as good at those prices
    as any other allowed pair and as staying out (profit + M - v >= 0), and every allowed pair
    of an unplaced student worth nothing at those prices (profit + M <= v). These are
    difference constraints between mentors; the least prices meeting the lower bounds are found
    by longest paths (Bellman-Ford over the mentors), and then the upper bounds are checked."""
    n, m = allowed.shape
    placed = np.asarray(placed, dtype=np.int64)
    mine = np.flatnonzero(placed >= 0)
    their = placed[mine]
    if len(mine) and not allowed[mine, their].all():
        return False
    taken = np.bincount(their, minlength=m)
    if (taken > seats).any():
        return False
    if not allowed.any():
        return True
    big = (int(np.abs(profit[allowed]).max()) * 2 + 1) * (n + 1)
    never = -(big * 4)
    own = profit[mine, their]
    # gain[j, k]: the most a student placed with j gains by moving to k (never: nobody can)
    gain = np.full((m, m), never, dtype=np.int64)
    order = np.argsort(their, kind="stable")
    for start in range(0, len(order), CERTIFY_CHUNK):
        part = order[start : start + CERTIFY_CHUNK]
        rows, group = mine[part], their[part]
        moves = np.where(allowed[rows], profit[rows], never) - own[part][:, None]
        firsts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        np.maximum.at(gain, group[firsts], np.maximum.reduceat(moves, firsts, axis=0))
    prices = np.zeros(m, dtype=np.int64)
    out = np.flatnonzero(placed < 0)
    for start in range(0, len(out), CERTIFY_CHUNK):
        rows = out[start : start + CERTIFY_CHUNK]
        wanted = np.where(allowed[rows], profit[rows] + big, never).max(axis=0)
        prices = np.maximum(prices, wanted)
    for _ in range(m + 1):
        raised = np.maximum(prices, (prices[:, None] + gain).max(axis=0))
        if np.array_equal(raised, prices):
            break
        prices = raised
    else:
        return False  # a cycle of moves that gains: not optimal
    if (prices[their] > own + big).any():
        return False
    return bool((prices[taken < seats] == 0).all())


__all__ = ["is_optimal", "optimal_assignment"]
