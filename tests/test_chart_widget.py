"""The chart widget's own arithmetic: tick labels that never touch, at most MAX_POINTS scatter
points chosen the same way every time, and an empty chart saying so in words."""

from __future__ import annotations

from textual.app import App, ComposeResult

from mentor_tui.widgets.chart import MAX_POINTS, Chart, ChartSpec, Series, thin, tick_marks


def test_tick_labels_fit_the_width() -> None:
    ticks = tuple(f"25-{n:02d}" for n in range(1, 25))
    for width in (40, 80, 130):
        positions, labels = tick_marks(ticks, width)
        assert positions[0] == 1 and len(positions) == len(labels)
        assert len(labels) * (max(map(len, labels)) + 2) <= max(width - 10, 10) + 7
        assert labels == [ticks[p - 1] for p in positions]
    assert tick_marks(("a", "b"), 80) == ([1, 2], ["a", "b"])


def test_thin_keeps_an_even_deterministic_sample() -> None:
    points = [(float(n), float(n % 7)) for n in range(10_000)]
    kept = thin(points)
    assert len(kept) == MAX_POINTS and kept == thin(points) and kept[0] == points[0]
    assert thin(points[:10]) == points[:10]


class _One(App[None]):
    def __init__(self, spec: ChartSpec) -> None:
        super().__init__()
        self.spec = spec

    def compose(self) -> ComposeResult:
        yield Chart(self.spec)


async def test_an_empty_chart_says_so_and_a_full_one_draws() -> None:
    empty = ChartSpec("t", "bar", "x", "y", (Series("s", [], []),), empty="Nothing here.")
    app = _One(empty)
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.pause()
        assert str(app.query_one(Chart).render()) == "Nothing here."
        full = ChartSpec("Ratings", "bar", "", "n", (Series("n", [1, 2], [3.0, 5.0]),), ("a", "b"))
        app.query_one(Chart).show(full)
        await pilot.pause()
        drawn = app.query_one(Chart).render()
        assert "Ratings" in str(drawn) and "█" in str(drawn)
