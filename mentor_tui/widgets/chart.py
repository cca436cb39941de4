"""Charts drawn with textual-plotext from a ``ChartSpec`` (pure data: a title, the kind, the
series), so a screen says what to draw and this widget draws it at whatever size it is given.

A chart is never the only way to read a figure: every screen that shows one also has the same
figures in a table (the text alternative, for screen readers and small terminals) and a key that
switches between them. What plotext writes depends only on the spec and the widget's size (no
clock, no randomness), so snapshots of a chart are stable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

MAX_POINTS = 1500
"""A scatter plot draws at most this many points (an even sample of them, in their order)."""


@dataclass(frozen=True)
class Series:
    label: str
    xs: Sequence[float]
    ys: Sequence[float]


@dataclass(frozen=True)
class ChartSpec:
    title: str
    kind: str
    """bar, line or scatter"""
    x_label: str
    y_label: str
    series: tuple[Series, ...]
    ticks: tuple[str, ...] = ()
    """Names for the x positions 1, 2, ... (bar and line charts of named things)."""
    y_range: tuple[float, float] | None = None
    empty: str = "Nothing to chart yet."

    @property
    def has_data(self) -> bool:
        return any(len(s.xs) for s in self.series)


def thin(
    points: Sequence[tuple[float, float]], limit: int = MAX_POINTS
) -> list[tuple[float, float]]:
    """At most ``limit`` of ``points``, evenly spaced through them (always the same ones)."""
    if len(points) <= limit:
        return list(points)
    step = len(points) / limit
    return [points[int(n * step)] for n in range(limit)]


def short_tick(label: str, width: int) -> str:
    return label if len(label) <= width else label[: max(width - 1, 1)] + "…"


def tick_marks(ticks: Sequence[str], width: int) -> tuple[list[int], list[str]]:
    """Every k-th of the names for x = 1, 2, ..., so that no two labels touch on a chart
    ``width`` cells wide (plotext would drop colliding labels by rules of its own)."""
    room = max(width - 10, 10)  # the y axis' labels and the frame
    longest = max(len(t) for t in ticks) if ticks else 1
    every = max(1, math.ceil(len(ticks) * (longest + 2) / room))
    positions = list(range(1, len(ticks) + 1))[::every]
    return positions, [short_tick(ticks[p - 1], 12) for p in positions]


class Chart(PlotextPlot):
    """One chart; ``show(spec)`` replaces what it draws."""

    DEFAULT_CSS = """
    Chart {
        width: 1fr;
        height: 1fr;
        min-height: 8;
    }
    """

    def __init__(self, spec: ChartSpec | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.spec = spec

    def show(self, spec: ChartSpec | None) -> None:
        self.spec = spec
        self.refresh()

    def render(self) -> RenderResult:
        spec = self.spec
        if spec is None:
            return Text("Reading…", style="dim")
        if not spec.has_data:
            return Text(spec.empty, style="dim")
        self._draw(spec)
        return super().render()

    def _draw(self, spec: ChartSpec) -> None:
        plt = self.plt
        plt.clear_figure()
        plt.title(spec.title)
        plt.xlabel(spec.x_label)
        plt.ylabel(spec.y_label)
        several = len(spec.series) > 1
        for series in spec.series:
            label = series.label if several else None
            xs, ys = list(series.xs), list(series.ys)
            if spec.kind == "bar":
                plt.bar(xs, ys, label=label, width=0.6)
            elif spec.kind == "line":
                plt.plot(xs, ys, label=label, marker="dot")
            else:
                pairs = thin(list(zip(xs, ys, strict=True)))
                plt.scatter([x for x, _ in pairs], [y for _, y in pairs], label=label, marker="dot")
        if spec.ticks:
            positions, labels = tick_marks(spec.ticks, self.size.width)
            plt.xticks(positions, labels)
        if spec.y_range is not None:
            plt.ylim(*spec.y_range)


__all__ = ["MAX_POINTS", "Chart", "ChartSpec", "Series", "short_tick", "thin", "tick_marks"]
