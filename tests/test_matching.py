"""Matching: scores and their breakdown, hard rules, the optimal batch assignment (proven
against brute force), drafts from the store, and applying all or some of a draft."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_counts import examples
from sqlmodel import Session, select

from mentor_tui.config import Config, MatchingWeights
from mentor_tui.core import writes
from mentor_tui.core.access import Actor
from mentor_tui.core.matching.plan import (
    MentorOffer,
    ScoreTable,
    Specialty,
    StudentNeeds,
    apply_matches,
    draft_matches,
    is_optimal,
    load_mentor_offers,
    load_students,
    mentor_is_available,
    optimal_assignment,
    plan_matches,
    rank_mentors,
)
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorProfile, MentorSpecialization, User
from mentor_tui.errors import AccessDenied, UserError
from tests import factory

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
WEIGHTS = MatchingWeights()
# zones without daylight saving, so offsets are the same whatever the date
NO_DST_ZONES = (
    "UTC",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "America/Bogota",
    "Asia/Dubai",
    "Africa/Lagos",
    "Pacific/Kiritimati",
    "Pacific/Honolulu",
)


def student(
    sid: str = "s1",
    *,
    skills: tuple[str, ...] = (),
    style: str = "mixed",
    tz: str = "UTC",
) -> StudentNeeds:
    return StudentNeeds(sid, f"Student {sid}", f"{sid}@example.org", tz, style, skills)


def mentor(
    mid: str = "m1",
    *,
    expertise: tuple[str, ...] = (),
    specs: tuple[Specialty, ...] = (),
    style: str = "mixed",
    tz: str = "UTC",
    hours: int = 20,
    capacity: int = 10,
    load: int = 0,
) -> MentorOffer:
    return MentorOffer(
        mid,
        f"Mentor {mid}",
        f"{mid}@example.org",
        tz,
        style,
        expertise,
        specs,
        hours,
        capacity,
        load,
    )


def points(score, criterion: str) -> float:
    return next(line.points for line in score.breakdown if line.criterion == criterion)


# ---------------------------------------------------------------------------------------------
# Scores


def test_skills_weigh_expertise_proficiency_and_verification() -> None:
    s = student(skills=("Python", "SQL", "Docker", "Go"))
    m = mentor(
        expertise=("python",),
        specs=(
            Specialty("sql", 5, True),  # 1.0
            Specialty("Docker", 5, False),  # 0.8
            Specialty("python", 2, True),  # 0.4 < expertise 0.6: expertise counts
        ),
    )
    pair = ScoreTable([s], [m], WEIGHTS, NOW).pair(0, 0)
    # (0.6 + 1.0 + 0.8 + 0) / 4 = 0.6 of 40 points
    assert points(pair, "skills") == 24.0
    reason = pair.breakdown[0].reason
    assert "Python (expertise)" in reason
    assert "SQL (specialization, proficiency 5, verified, counted in full)" in reason
    assert "Docker (specialization, proficiency 5, unverified, counted at 80%)" in reason
    assert reason.endswith("no match for Go")


def test_a_student_without_needed_skills_scores_no_skill_points() -> None:
    pair = ScoreTable([student()], [mentor(expertise=("python",))], WEIGHTS, NOW).pair(0, 0)
    assert points(pair, "skills") == 0.0
    assert pair.breakdown[0].reason == "no needed skills on file"


@pytest.mark.parametrize(
    ("learns", "teaches", "expected"),
    [
        ("visual", "visual", 15.0),
        ("visual", "mixed", 10.5),
        ("mixed", "auditory", 10.5),
        ("mixed", "mixed", 15.0),
        ("visual", "kinesthetic", 0.0),
    ],
)
def test_teaching_style_against_learning_style(learns: str, teaches: str, expected: float) -> None:
    pair = ScoreTable([student(style=learns)], [mentor(style=teaches)], WEIGHTS, NOW).pair(0, 0)
    assert points(pair, "teaching_style") == expected


@pytest.mark.parametrize(
    ("student_tz", "mentor_tz", "gap"),
    [
        ("UTC", "UTC", 0.0),
        ("Asia/Tokyo", "UTC", 9.0),
        ("Asia/Kolkata", "UTC", 5.5),
        ("Pacific/Kiritimati", "Pacific/Honolulu", 0.0),  # +14 and -10: the same hour of day
        ("Asia/Tokyo", "America/Bogota", 10.0),  # +9 and -5: 14 h one way, 10 h the other
    ],
)
def test_timezone_distance_is_taken_round_the_clock(
    student_tz: str, mentor_tz: str, gap: float
) -> None:
    table = ScoreTable([student(tz=student_tz)], [mentor(tz=mentor_tz)], WEIGHTS, NOW)
    assert table.gap_hours(0, 0) == gap
    assert points(table.pair(0, 0), "timezone") == round(20 * (1 - gap / 12), 2)


def test_hours_per_seat_and_current_load() -> None:
    busy = mentor("m1", hours=5, capacity=10, load=4)
    free = mentor("m2", hours=30, capacity=10, load=0)
    table = ScoreTable([student()], [busy, free], WEIGHTS, NOW)
    assert points(table.pair(0, 0), "weekly_hours") == 5.0  # 0.5 h per seat of 1 h
    assert points(table.pair(0, 0), "load") == 9.0  # 6 of 10 seats free
    assert points(table.pair(0, 1), "weekly_hours") == 10.0
    assert points(table.pair(0, 1), "load") == 15.0
    # the explanation says each criterion in words; JSON keeps the ids
    assert [line.split(" ")[0:2] for line in table.pair(0, 0).reasons] == [
        ["skills", "0.00/40:"],
        ["teaching", "style"],
        ["time", "zone"],
        ["weekly", "hours"],
        ["load", "9.00/15:"],
    ]
    assert table.pair(0, 0).breakdown[3].to_json()["criterion"] == "weekly_hours"


def test_weights_come_from_the_config() -> None:
    only_skills = MatchingWeights(skills=100, teaching_style=0, timezone=0, weekly_hours=0, load=0)
    s = student(skills=("python",), tz="Asia/Tokyo", style="visual")
    pair = ScoreTable([s], [mentor(expertise=("Python",))], only_skills, NOW).pair(0, 0)
    assert pair.score == 60.0
    assert [line.weight for line in pair.breakdown] == [100, 0, 0, 0, 0]


@settings(max_examples=examples(60), deadline=None)
@given(st.data())
def test_a_breakdown_adds_up_to_its_score_and_one_pair_scores_as_in_a_batch(data) -> None:
    students, mentors = data.draw(instances(max_students=6, max_mentors=4))
    batch = ScoreTable(students, mentors, WEIGHTS, NOW)
    for i, s in enumerate(students):
        for j, m in enumerate(mentors):
            pair = batch.pair(i, j)
            assert round(sum(line.points for line in pair.breakdown), 2) == pair.score
            assert 0 <= pair.score <= 100
            alone = ScoreTable([s], [m], WEIGHTS, NOW).pair(0, 0)
            assert alone == pair


# ---------------------------------------------------------------------------------------------
# The optimal assignment, against brute force


def assignments(n: int, seats: list[int], allowed: dict[tuple[int, int], int]):
    """Every valid assignment: a mentor or -1 per student, no mentor over their seats."""
    options = [[-1] + [j for j in range(len(seats)) if (i, j) in allowed] for i in range(n)]
    for choice in itertools.product(*options):
        used = [0] * len(seats)
        for j in choice:
            if j >= 0:
                used[j] += 1
        if all(u <= cap for u, cap in zip(used, seats, strict=True)):
            yield choice


def value(choice, allowed: dict[tuple[int, int], int]) -> tuple[int, int]:
    """(students placed, total profit): the order the optimum is judged in."""
    placed = [(i, j) for i, j in enumerate(choice) if j >= 0]
    return len(placed), sum(allowed[pair] for pair in placed)


def brute_force(n: int, seats: list[int], allowed: dict[tuple[int, int], int]) -> tuple[int, int]:
    """(most students placed, then the largest total profit) over every assignment."""
    return max(value(choice, allowed) for choice in assignments(n, seats, allowed))


def dense(n: int, m: int, allowed: dict[tuple[int, int], int]) -> tuple[np.ndarray, np.ndarray]:
    profit = np.zeros((n, m), dtype=np.int64)
    mask = np.zeros((n, m), dtype=bool)
    for (i, j), w in allowed.items():
        profit[i, j], mask[i, j] = w, True
    return profit, mask


@st.composite
def flow_instances(draw, max_students: int = 6, max_mentors: int = 4, profits=None):
    profits = st.integers(-20, 60) if profits is None else profits
    n = draw(st.integers(0, max_students))
    m = draw(st.integers(1, max_mentors))
    seats = draw(st.lists(st.integers(0, 3), min_size=m, max_size=m))
    allowed = {}
    for i in range(n):
        for j in range(m):
            if draw(st.booleans()):
                allowed[(i, j)] = draw(profits)
    return n, seats, allowed


@settings(max_examples=examples(300), deadline=None)
@given(flow_instances(), st.sampled_from([(), (1,), (1, 2), (2, 3)]))
def test_optimal_assignment_matches_brute_force(instance, shortlists) -> None:
    n, seats, allowed = instance
    profit, mask = dense(n, len(seats), allowed)
    placed = optimal_assignment(profit, mask, seats, shortlists=shortlists)
    choice = tuple(placed.tolist())
    assert choice in set(assignments(n, seats, allowed))  # allowed pairs, within seats
    assert value(choice, allowed) == brute_force(n, seats, allowed)


@settings(max_examples=examples(60), deadline=None)
@given(flow_instances(max_students=5, max_mentors=3))
def test_the_optimality_certificate_accepts_exactly_the_optimal_assignments(instance) -> None:
    n, seats, allowed = instance
    profit, mask = dense(n, len(seats), allowed)
    best = brute_force(n, seats, allowed)
    for choice in assignments(n, seats, allowed):
        placed = np.array(choice, dtype=np.int64).reshape(n)
        certified = is_optimal(profit, mask, np.array(seats), placed)
        assert certified == (value(choice, allowed) == best), choice


def test_the_certificate_refuses_invalid_assignments() -> None:
    profit = np.array([[5, 1], [3, 2]])
    mask = np.array([[True, False], [True, True]])
    seats = np.array([1, 1])
    assert is_optimal(profit, mask, seats, np.array([0, 1]))
    assert not is_optimal(profit, mask, seats, np.array([1, 0]))  # a pair not allowed
    assert not is_optimal(profit, mask, seats, np.array([0, 0]))  # over a mentor's seats


def test_a_shortlist_gives_the_same_optimum_as_every_pair() -> None:
    rng = np.random.default_rng(11)
    n, m = 300, 12
    profit = rng.integers(0, 500, size=(n, m))
    mask = rng.random((n, m)) < 0.7
    seats = rng.integers(10, 35, size=m)
    full = optimal_assignment(profit, mask, seats, shortlists=())
    short = optimal_assignment(profit, mask, seats, shortlists=(3,))

    def judged(placed: np.ndarray) -> tuple[int, int]:
        rows = np.flatnonzero(placed >= 0)
        return len(rows), int(profit[rows, placed[rows]].sum())

    assert judged(short) == judged(full)
    assert is_optimal(profit, mask, seats, full) and is_optimal(profit, mask, seats, short)


def test_more_students_placed_beats_a_higher_total() -> None:
    # A-X alone scores 10; A-Y plus B-X place both students for 2
    profit = np.array([[10, 1], [1, 0]])
    mask = np.array([[True, True], [True, False]])
    assert optimal_assignment(profit, mask, [1, 1]).tolist() == [1, 0]


@settings(max_examples=examples(150), deadline=None)
@given(flow_instances(profits=st.integers(-(10**9), 10**9)), st.sampled_from([(), (1,), (2,)]))
def test_profits_far_apart_still_place_the_most_students_first(instance, shortlists) -> None:
    # a favoured backup mentor adds about 10,000 x students to its pairs (plan_matches)
    n, seats, allowed = instance
    profit, mask = dense(n, len(seats), allowed)
    placed = optimal_assignment(profit, mask, seats, shortlists=shortlists)
    assert value(tuple(placed.tolist()), allowed) == brute_force(n, seats, allowed)


def judged(profit: np.ndarray, placed: np.ndarray) -> tuple[int, int]:
    rows = np.flatnonzero(placed >= 0)
    return len(rows), int(profit[rows, placed[rows]].sum())


def benchmark_like(seed: int, n: int = 1500, m: int = 40):
    """Mentors that differ in worth for everyone (as in the benchmark) and about as many seats
    as students: the shortlists compete for the same mentors."""
    rng = np.random.default_rng(seed)
    profit = rng.integers(0, 10_000, size=(n, m)) + rng.integers(0, 3_000, size=m)[None, :]
    mask = rng.random((n, m)) < rng.uniform(0.2, 0.9)
    seats = rng.integers(0, 2 * n // m + 2, size=m)
    return profit, mask, seats


@pytest.mark.parametrize("seed", range(4))
def test_a_priced_shortlist_is_proven_optimal_without_every_pair(seed, monkeypatch) -> None:
    from mentor_tui.core.matching import solver as matching_solver

    profit, mask, seats = benchmark_like(seed)
    solved = []
    solve = matching_solver._MinCostFlow.solve

    def spy(self, listed):
        solved.append(int(listed.sum()))
        return solve(self, listed)

    monkeypatch.setattr(matching_solver._MinCostFlow, "solve", spy)
    short = optimal_assignment(profit, mask, seats, shortlists=(2,))
    assert len(solved) > 1 and solved == sorted(solved)  # pricing added pairs
    assert solved[-1] < int((mask & (seats > 0)[None, :]).sum())  # never every pair
    assert is_optimal(profit, mask, seats, short)
    full = optimal_assignment(profit, mask, seats, shortlists=())
    assert judged(profit, short) == judged(profit, full)


def test_when_pricing_runs_out_of_rounds_every_pair_is_solved(monkeypatch) -> None:
    from mentor_tui.core.matching import solver as matching_solver

    monkeypatch.setattr(matching_solver, "PRICING_ROUNDS", 1)
    profit, mask, seats = benchmark_like(5, n=400, m=20)
    short = optimal_assignment(profit, mask, seats, shortlists=(1,))
    full = optimal_assignment(profit, mask, seats, shortlists=())
    assert judged(profit, short) == judged(profit, full)
    assert is_optimal(profit, mask, seats, short)


def test_profits_too_far_apart_for_int64_costs_are_refused() -> None:
    profit = np.array([[0, 2**61], [2**61, 0]])
    with pytest.raises(OverflowError):
        optimal_assignment(profit, np.ones((2, 2), dtype=bool), [1, 1])


@st.composite
def instances(draw, max_students: int = 5, max_mentors: int = 3):
    skills = ["python", "sql", "docker", "react"]
    styles = ["visual", "auditory", "kinesthetic", "mixed"]
    n = draw(st.integers(0, max_students))
    m = draw(st.integers(0, max_mentors))
    students = [
        student(
            f"s{i}",
            skills=tuple(draw(st.lists(st.sampled_from(skills), max_size=3, unique=True))),
            style=draw(st.sampled_from(styles)),
            tz=draw(st.sampled_from(NO_DST_ZONES)),
        )
        for i in range(n)
    ]
    mentors = []
    for j in range(m):
        capacity = draw(st.integers(1, 3))
        specs = tuple(
            Specialty(name, draw(st.integers(1, 5)), draw(st.booleans()))
            for name in draw(st.lists(st.sampled_from(skills), max_size=2, unique=True))
        )
        mentors.append(
            mentor(
                f"m{j}",
                expertise=tuple(draw(st.lists(st.sampled_from(skills), max_size=2, unique=True))),
                specs=specs,
                style=draw(st.sampled_from(styles)),
                tz=draw(st.sampled_from(NO_DST_ZONES)),
                hours=draw(st.integers(0, 6)),
                capacity=capacity,
                load=draw(st.integers(0, capacity)),
            )
        )
    return students, mentors


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.integers(0, 12))
def test_plan_matches_is_optimal_and_keeps_the_hard_rules(instance, gap: int) -> None:
    students, mentors = instance
    weights = MatchingWeights(max_timezone_gap_hours=gap)
    draft = plan_matches(students, mentors, weights, NOW)
    table = ScoreTable(students, mentors, weights, NOW)
    allowed = {
        (i, j): round(table.pair(i, j).score * 100)
        for i in range(len(students))
        for j in range(len(mentors))
        if table.gap_hours(i, j) <= gap and mentors[j].free_seats > 0
    }
    best = brute_force(len(students), [m.free_seats for m in mentors], allowed)
    assert (len(draft.matches), round(draft.total_score * 100)) == best
    assert len(draft.matches) + len(draft.unplaced) == len(students)
    for match in draft.matches:
        assert table.gap_hours(students.index(match.student), mentors.index(match.mentor)) <= gap
    for m in mentors:
        assert sum(1 for x in draft.matches if x.mentor.id == m.id) <= m.free_seats


# ---------------------------------------------------------------------------------------------
# Who cannot be placed, and why


def test_unplaced_students_get_the_reason() -> None:
    far = student("far", tz="Pacific/Kiritimati")
    near = [student(f"n{i}", tz="UTC") for i in range(3)]
    full = mentor("full", tz="UTC", capacity=2, load=2)
    open_ = mentor("open", tz="Africa/Lagos", capacity=2)
    draft = plan_matches([far, *near], [full, open_], WEIGHTS, NOW)
    reasons = {u.student.id: u.reason for u in draft.unplaced}
    assert reasons["far"] == (
        "No available mentor is within 8 h of the student's timezone (Pacific/Kiritimati, "
        "UTC+14:00)."
    )
    assert len(draft.matches) == 2
    (left,) = [sid for sid in reasons if sid != "far"]
    assert reasons[left] == (
        "The 2 free seats with mentors within reach went to other students "
        "(more students than seats)."
    )
    only_full = plan_matches([near[0]], [full], WEIGHTS, NOW)
    assert only_full.unplaced[0].reason == (
        "Every mentor within reach of the student's timezone is at capacity."
    )
    nobody = plan_matches([near[0]], [], WEIGHTS, NOW)
    assert nobody.unplaced[0].reason == "There is no active, available mentor."


def test_a_favoured_backup_fills_first_and_ignores_the_timezone_limit() -> None:
    students = [student(f"s{i}", skills=("python",), tz="UTC") for i in range(3)]
    strong = mentor("strong", expertise=("python",), tz="UTC", capacity=5)
    backup = mentor("backup", tz="Asia/Tokyo", capacity=2)
    plain = plan_matches(students, [strong, backup], WEIGHTS, NOW)
    assert {m.mentor.id for m in plain.matches} == {"strong"}
    favoured = plan_matches(students, [strong, backup], WEIGHTS, NOW, favoured_mentor_id="backup")
    assert sorted(m.mentor.id for m in favoured.matches) == ["backup", "backup", "strong"]


def test_a_mentor_is_back_the_day_after_until() -> None:
    until = date(2026, 3, 10)
    assert mentor_is_available(None, None, until)
    assert not mentor_is_available("leave", None, until)
    assert not mentor_is_available("leave", until, until)
    assert mentor_is_available("leave", until, until + timedelta(days=1))


# ---------------------------------------------------------------------------------------------
# From the store


@pytest.fixture
def people(engine):
    """An admin, three mentors (one inactive, one unavailable), a mentor and students."""
    with session_scope(engine) as s:
        admin = factory.admin(s)
        ana = factory.mentor(s, "Ana Python", capacity=2, expertise=["Python"])
        bo = factory.mentor(s, "Bo Data", capacity=1, expertise=["SQL"])
        gone = factory.mentor(
            s, "Gil Gone", capacity=5, expertise=["Python", "SQL"], status="Inactive"
        )
        away = factory.mentor(s, "Ava Away", capacity=5, expertise=["Python", "SQL"])
        profile = s.exec(select(MentorProfile).where(MentorProfile.user_id == away.id)).one()
        writes.update(
            s, None, profile, {"unavailable_reason": "leave", "unavailable_until": date(2099, 1, 1)}
        )
        writes.insert(
            s,
            None,
            MentorSpecialization(
                mentor_id=bo.id, specialization="sql", proficiency_level=5, verified=True
            ),
        )
        kids = [
            factory.student(s, "Kim", email="kim@example.org", needed_skills=["python"]),
            factory.student(s, "Lee", email="lee@example.org", needed_skills=["sql"]),
            factory.student(s, "Max", email="max@example.org", needed_skills=["python", "sql"]),
            factory.student(s, "Ned", email="ned@example.org", needed_skills=["python"]),
        ]
        factory.student(s, "Old", email="old@example.org", status="Inactive")
        taken = factory.student(s, "Tia", email="tia@example.org", mentor=ana)
        ids = {
            "admin": admin.id,
            "ana": ana.id,
            "bo": bo.id,
            "gone": gone.id,
            "away": away.id,
            "kids": [k.id for k in kids],
            "taken": taken.id,
        }
    with session_scope(engine) as s:
        ids["actors"] = {key: Actor.of(s.get(User, ids[key])) for key in ("admin", "ana")}
    return ids


def test_draft_from_the_store_keeps_every_hard_rule(engine, people) -> None:
    admin = people["actors"]["admin"]
    with session_scope(engine) as s:
        draft = draft_matches(s, admin, config=Config(), now=NOW)
    # Ana has one free seat (Tia takes the other) and Bo one. Bo is strongest in SQL, so Lee
    # goes there; Kim and Ned tie for Ana (python), Max (python + sql) scores less on either.
    by_mentor = {m.mentor.id: m.student.email for m in draft.matches}
    assert set(by_mentor) == {people["ana"], people["bo"]}  # not inactive, not unavailable
    assert by_mentor[people["bo"]] == "lee@example.org"
    assert by_mentor[people["ana"]] in {"kim@example.org", "ned@example.org"}
    assert draft.total_score == 176.5  # (52.5 + 24) + (60 + 40)
    placed = {m.student.email for m in draft.matches} | {u.student.email for u in draft.unplaced}
    assert placed == {"kim@example.org", "lee@example.org", "max@example.org", "ned@example.org"}
    assert all("went to other students" in u.reason for u in draft.unplaced)


def test_draft_total_is_the_best_of_every_possible_assignment(engine, people) -> None:
    admin = people["actors"]["admin"]
    with session_scope(engine) as s:
        draft = draft_matches(s, admin, config=Config(), now=NOW)
        students = load_students(s, admin)
        mentors = load_mentor_offers(s, admin, config=Config(), now=NOW)
    table = ScoreTable(students, mentors, WEIGHTS, NOW)
    assert [m.full_name for m in mentors] == ["Ana Python", "Bo Data"]
    totals = []
    for a, b in itertools.permutations(range(len(students)), 2):
        # one student on each mentor (each has exactly one free seat)
        totals.append(table.pair(a, 0).score + table.pair(b, 1).score)
    assert draft.total_score == round(max(totals), 2)


def test_an_unavailable_mentor_matches_again_after_until(engine, people) -> None:
    admin = people["actors"]["admin"]
    later = datetime(2099, 1, 2, 9, 0, tzinfo=UTC)
    with session_scope(engine) as s:
        draft = draft_matches(s, admin, config=Config(), now=later)
    assert people["away"] in {m.mentor.id for m in draft.matches}
    assert not draft.unplaced


@pytest.mark.parametrize("who", ["ana", "student"])
def test_matching_is_refused_to_non_admins(engine, people, who: str) -> None:
    with session_scope(engine) as s:
        actor = (
            people["actors"]["ana"] if who == "ana" else Actor.of(s.get(User, people["kids"][0]))
        )
        with pytest.raises(AccessDenied, match=r"^Only an admin can run the mentor matching\.$"):
            draft_matches(s, actor, config=Config(), now=NOW)
        with pytest.raises(AccessDenied):
            rank_mentors(s, actor, people["kids"][0], config=Config(), now=NOW)


def test_rank_mentors_puts_who_can_take_the_student_first(engine, people) -> None:
    admin = people["actors"]["admin"]
    with session_scope(engine) as s:
        tia = rank_mentors(s, admin, "tia@example.org", config=Config(), now=NOW)
        kim = rank_mentors(s, admin, "kim@example.org", config=Config(), now=NOW)
    assert [r.mentor.full_name for r in tia] == ["Bo Data"]  # her own mentor Ana is left out
    assert kim[0].mentor.full_name == "Ana Python" and kim[0].blocked is None
    assert kim[0].score.score > kim[1].score.score


def _mentor_of(engine, student_id: str) -> str | None:
    with Session(engine) as s:
        return s.get(User, student_id).mentor_id


def test_apply_some_then_all_of_a_draft(engine, people) -> None:
    admin = people["actors"]["admin"]
    config = Config()
    with session_scope(engine) as s:
        draft = draft_matches(s, admin, config=config, now=NOW)
    first, second = draft.matches
    with session_scope(engine) as s:
        applied = apply_matches(s, admin, draft, config=config, student_ids=[first.student.id])
    assert [m.student.id for m in applied] == [first.student.id]
    assert _mentor_of(engine, first.student.id) == first.mentor.id
    assert _mentor_of(engine, second.student.id) is None
    # the same draft again, second student first: the first student has a mentor now, so the
    # whole apply is refused and the second student's assignment is rolled back with it
    stale = [second.student.id, first.student.id]
    with pytest.raises(UserError, match="since the draft was made"), session_scope(engine) as s:
        apply_matches(s, admin, draft, config=config, student_ids=stale)
    assert _mentor_of(engine, second.student.id) is None
    with session_scope(engine) as s:
        apply_matches(s, admin, draft, config=config, student_ids=[second.student.id])
    assert _mentor_of(engine, second.student.id) == second.mentor.id


def test_apply_refuses_a_student_not_in_the_draft(engine, people) -> None:
    admin = people["actors"]["admin"]
    with session_scope(engine) as s:
        draft = draft_matches(s, admin, config=Config(), now=NOW)
        with pytest.raises(UserError, match="The draft has no match for the student"):
            apply_matches(s, admin, draft, config=Config(), student_ids=[people["taken"]])


def test_draft_of_chosen_students_refuses_anyone_who_cannot_be_matched(engine, people) -> None:
    admin = people["actors"]["admin"]
    with session_scope(engine) as s:
        kim, lee = people["kids"][:2]
        some = draft_matches(s, admin, config=Config(), now=NOW, student_ids=[kim, lee])
        assert {m.student.id for m in some.matches} | {u.student.id for u in some.unplaced} == {
            kim,
            lee,
        }
        with pytest.raises(UserError, match=r"^1 student asked for cannot be matched"):
            draft_matches(s, admin, config=Config(), now=NOW, student_ids=[kim, people["taken"]])
