"""The optimal batch assignment of the mentor matching (SPEC section 7): a min-cost max-flow
solved exactly by OR-Tools, with a shortlist shortcut that an LP duality certificate
(``is_optimal``) proves before it is trusted."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from ortools.graph.python import min_cost_flow

SHORTLISTS = (96, 256)
"""Best pairs per student tried before all of them (see ``optimal_assignment``)."""
CERTIFY_CHUNK = 2048
"""Students per slab when checking optimality, to bound the memory it takes."""


def optimal_assignment(
    profit: np.ndarray,
    allowed: np.ndarray,
    seats: Sequence[int] | np.ndarray,
    *,
    shortlists: Sequence[int] = SHORTLISTS,
) -> np.ndarray:
    """The mentor index for each student (row), or -1: the most students placed over the
    ``allowed`` pairs within ``seats``, and among those the largest total integer ``profit``.

    Exact. Each shortlist first solves with only each student's best-scoring pairs and keeps
    the answer only when ``is_optimal`` proves it optimal over every allowed pair; otherwise
    (or when a shortlist would not be shorter) every allowed pair goes to the solver."""
    profit = np.asarray(profit, dtype=np.int64)
    seats = np.maximum(np.asarray(seats, dtype=np.int64), 0)
    allowed = np.asarray(allowed, dtype=bool) & (seats > 0)[None, :]
    n, m = allowed.shape
    for size in shortlists:
        if size >= m:
            break
        rows, cols = _best_pairs(profit, allowed, size)
        placed = _max_flow_min_cost(n, seats, rows, cols, profit[rows, cols])
        if is_optimal(profit, allowed, seats, placed):
            return placed
    rows, cols = np.nonzero(allowed)
    return _max_flow_min_cost(n, seats, rows, cols, profit[rows, cols])


def _best_pairs(
    profit: np.ndarray, allowed: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each student's ``size`` best-scoring allowed pairs (fewer when fewer are allowed)."""
    n = allowed.shape[0]
    ranked = np.where(allowed, profit, np.iinfo(np.int64).min)
    best = np.argpartition(ranked, ranked.shape[1] - size, axis=1)[:, -size:]
    rows = np.repeat(np.arange(n), size)
    cols = best.ravel()
    keep = allowed[rows, cols]
    return rows[keep], cols[keep]


def _max_flow_min_cost(
    n: int, seats: np.ndarray, rows: np.ndarray, cols: np.ndarray, profit: np.ndarray
) -> np.ndarray:
    """Source -> each student (capacity 1) -> each listed mentor (cost -profit) -> sink
    (capacity = seats): the maximum flow of least cost, read back as a mentor per student."""
    m = len(seats)
    arcs = len(rows)
    placed = np.full(n, -1, dtype=np.int64)
    if arcs == 0:
        return placed
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([rows, np.full(n, source), np.arange(m) + n]).astype(np.int64),
        np.concatenate([cols + n, np.arange(n), np.full(m, sink)]).astype(np.int64),
        np.concatenate([np.ones(arcs + n, np.int64), seats]),
        np.concatenate([-profit, np.zeros(n + m, np.int64)]).astype(np.int64),
    )
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"the matching solver stopped with status {status}")
    used = flow.flows(np.arange(arcs, dtype=np.int64)) > 0
    placed[rows[used]] = cols[used]
    return placed


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
