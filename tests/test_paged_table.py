"""PagedTable: a virtual table over 100,000 rows that pages from a source in a worker thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable

import pytest
from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.message import Message
from textual.pilot import Pilot
from textual.strip import Strip
from textual.worker import Worker, WorkerState

from mentor_tui.widgets.paged_table import Column, PagedRow, PagedTable

pytestmark = pytest.mark.anyio

SIZE = (60, 12)  # a 12-line terminal: the header and 11 rows
ROWS_ON_SCREEN = 11

COLUMNS = [
    Column("name", "Name"),
    Column("number", "Number", width=8, align="right"),
    Column("note", "Note", sortable=False),
    Column("status", "Status", width=8),
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # Textual runs on asyncio


class SyntheticSource:
    """Row i is computed on the fly; records every call so tests can see what was asked."""

    def __init__(self, rows: int, label: str = "Student") -> None:
        self.rows = rows
        self.label = label
        self.counts = 0
        self.fetches: list[tuple[int, int]] = []

    def count(self) -> int:
        self.counts += 1
        return self.rows

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        self.fetches.append((offset, limit))
        return [self.row(i) for i in range(offset, min(offset + limit, self.rows))]

    def row(self, i: int) -> PagedRow:
        return PagedRow(
            key=f"{self.label.lower()}-{i}",
            cells=(Text(f"{self.label} {i:06d}"), Text(str(i * 7)), Text("ok"), Text("active")),
        )


class GatedSource(SyntheticSource):
    """Holds count() and/or fetch() until the test opens the gate."""

    def __init__(self, rows: int, label: str, *, hold_count: bool, hold_fetch: bool) -> None:
        super().__init__(rows, label)
        self.gate = threading.Event()
        self.hold_count = hold_count
        self.hold_fetch = hold_fetch
        self.waiting = threading.Event()

    def count(self) -> int:
        if self.hold_count:
            self.waiting.set()
            self.gate.wait(10)
        return super().count()

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        if self.hold_fetch:
            self.waiting.set()
            self.gate.wait(10)
        return super().fetch(offset, limit)


class TableApp(App[None]):
    def __init__(self, table: PagedTable) -> None:
        super().__init__()
        self.table = table
        self.seen: list[Message] = []

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        self.table.focus()

    @on(PagedTable.RowHighlighted)
    @on(PagedTable.RowSelected)
    @on(PagedTable.SortChanged)
    @on(PagedTable.CountChanged)
    @on(PagedTable.LoadFailed)
    def _record(self, message: Message) -> None:
        self.seen.append(message)

    def messages(self, kind: type[Message]) -> list:
        return [message for message in self.seen if isinstance(message, kind)]


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and every page it delivered be shown."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_until(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.01)


def lines(table: PagedTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


def body(table: PagedTable) -> list[str]:
    return [line.strip() for line in lines(table)[1:]]


def app_for(source: SyntheticSource | None, **options: object) -> TableApp:
    return TableApp(PagedTable(COLUMNS, source, **options))  # type: ignore[arg-type]


async def test_opens_100000_rows_and_shows_the_first() -> None:
    source = SyntheticSource(100_000)
    app = app_for(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        shown = lines(table)
        assert shown[0].split() == ["Name", "Number", "Note", "Status"]
        assert shown[1].split() == ["Student", "000000", "0", "ok", "active"]
        assert shown[ROWS_ON_SCREEN].split()[:2] == ["Student", "000010"]
        assert table.row_count == 100_000
        assert table.virtual_size.height == 100_001
        assert table.cursor_index == 0 and table.cursor_key == "student-0"
        assert [m.count for m in app.messages(PagedTable.CountChanged)] == [100_000]
        highlighted = app.messages(PagedTable.RowHighlighted)[-1]
        assert (highlighted.key, highlighted.index) == ("student-0", 0)
        # the visible page, nothing more: the next is fetched once the screen comes near it
        assert source.fetches == [(0, 200)]
        assert source.counts == 1


async def test_end_goes_to_the_last_row_and_shows_it_once_its_page_loads(
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = GatedSource(100_000, "Student", hold_count=False, hold_fetch=False)
    app = app_for(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        source.hold_fetch = True
        await pilot.press("end")
        await wait_until(pilot, source.waiting.is_set, "the fetch of the last page")
        assert table.cursor_index == 99_999
        assert table.cursor_key is None  # its page is still on the way
        assert body(table) == ["…"] * ROWS_ON_SCREEN
        source.hold_fetch = False
        source.gate.set()
        await settle(pilot)
        assert table.cursor_key == "student-99999"
        assert body(table)[-1].split()[:2] == ["Student", "099999"]
        assert body(table)[0].split()[:2] == ["Student", "099989"]
        assert source.fetches[-1] == (99_800, 200)
        highlighted = app.messages(PagedTable.RowHighlighted)[-2:]
        assert [(m.key, m.index) for m in highlighted] == [
            (None, 99_999),
            ("student-99999", 99_999),
        ]

        # the figure for the report: `end` from the top, to the last row painted
        await pilot.press("home")
        await settle(pilot)
        start = time.perf_counter()
        await pilot.press("end")
        await settle(pilot)
        elapsed = time.perf_counter() - start
        assert body(table)[-1].split()[:2] == ["Student", "099999"]
        # the same measure around a key that needs no fetch: what Pilot's own waiting costs
        start = time.perf_counter()
        await pilot.press("up")
        await settle(pilot)
        baseline = time.perf_counter() - start
        with capsys.disabled():
            print(
                f"\n`end` on 100,000 rows painted in {elapsed * 1000:.1f} ms "
                f"(`up`, no fetch, measured the same way: {baseline * 1000:.1f} ms)"
            )


async def test_pagedown_and_pageup_move_by_a_screen() -> None:
    app = app_for(SyntheticSource(100_000))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        await pilot.press("pagedown")
        await settle(pilot)
        assert table.cursor_index == ROWS_ON_SCREEN
        assert body(table)[0].split()[:2] == ["Student", f"{ROWS_ON_SCREEN:06d}"]
        await pilot.press("pagedown")
        await settle(pilot)
        assert table.cursor_index == 2 * ROWS_ON_SCREEN
        await pilot.press("pageup")
        await settle(pilot)
        assert table.cursor_index == ROWS_ON_SCREEN
        assert body(table)[0].split()[:2] == ["Student", f"{ROWS_ON_SCREEN:06d}"]
        await pilot.press("down", "j", "up")
        assert table.cursor_index == ROWS_ON_SCREEN + 1
        await pilot.press("G")
        assert table.cursor_index == 99_999
        await pilot.press("g")
        assert table.cursor_index == 0
        await pilot.press("up")
        assert table.cursor_index == 0


async def test_fetches_only_the_pages_near_the_viewport() -> None:
    source = SyntheticSource(100_000)
    app = app_for(source, page_size=100)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        await pilot.press("home")
        await settle(pilot)
        for _ in range(20):  # 220 rows down: pages 0-2, and row 300 is not near yet
            await pilot.press("pagedown")
        await settle(pilot)
        offsets = [offset for offset, _ in source.fetches]
        assert offsets == [0, 99_900, 100, 200]
        for _ in range(6):  # 66 rows more: row 300 is within a screen of the last row shown
            await pilot.press("pagedown")
        await settle(pilot)
        top = int(app.table.scroll_y)
        assert top + ROWS_ON_SCREEN <= 300 < top + 2 * ROWS_ON_SCREEN
        assert [offset for offset, _ in source.fetches] == [0, 99_900, 100, 200, 300]
        assert "…" not in body(app.table)
        assert source.counts == 1


async def test_wheel_scroll_loads_the_rows_it_reveals() -> None:
    source = SyntheticSource(100_000)
    app = app_for(source, page_size=10)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        for _ in range(10):
            table.post_message(events.MouseScrollDown(table, 5, 5, 0, 1, 0, False, False, False))
        await settle(pilot)
        top = int(table.scroll_y)
        assert top > 0
        assert table.cursor_index == 0  # the wheel scrolls; the cursor stays
        assert body(table)[0].split()[:2] == ["Student", f"{top:06d}"]
        assert "…" not in body(table)


async def test_cells_are_never_read_as_markup() -> None:
    class MarkupSource(SyntheticSource):
        def row(self, i: int) -> PagedRow:
            return PagedRow(
                key=str(i),
                cells=(
                    Text("[bold]x[/bold]"),
                    Text("1"),
                    Text("[@click=app.quit]y[/]"),
                    Text("bad\x1b[31m\nline"),
                ),
            )

    app = TableApp(
        PagedTable(
            [
                Column("a", "[b]A[/b]"),
                Column("n", "N", width=3),
                Column("c", "C"),
                Column("d", "D"),
            ],
            MarkupSource(3),
        )
    )
    async with app.run_test(size=(90, 8)) as pilot:
        await settle(pilot)
        table = app.table
        header, first = table.render_line(0), table.render_line(1)
        assert "[b]A[/b]" in header.text
        assert "[bold]x[/bold]" in first.text
        assert "[@click=app.quit]y[/]" in first.text
        assert "\x1b" not in first.text and "\n" not in first.text
        assert "bad\ufffd[31m line" in first.text
        for segment in first:
            assert segment.style is None or not segment.style.meta  # no click action anywhere
        not_cursor = table.render_line(2)
        assert not any(s.style and s.style.bold for s in not_cursor if "x" in s.text)


async def test_cells_are_truncated_padded_and_aligned() -> None:
    class LongSource(SyntheticSource):
        def row(self, i: int) -> PagedRow:
            name = "A very long student name indeed" if i == 1 else "学生の名前はとても長いです"
            return PagedRow(str(i), (Text(name), Text("12345678901")))

    columns = [Column("name", "Name"), Column("number", "Number", width=8, align="right")]
    app = TableApp(PagedTable(columns, LongSource(3)))
    async with app.run_test(size=(30, 6)) as pilot:
        await settle(pilot)
        table = app.table
        width = table.scrollable_content_region.width
        row = table.render_line(2)
        assert row.cell_length == width == 30
        # name: 30 - 8 (number) - 4 (padding) = 18 wide, cut with an ellipsis
        assert row.text == " A very long stude…  1234567… "
        wide = table.render_line(3)  # double-width characters: cut on a cell boundary
        assert wide.cell_length == 30
        assert wide.text == " 学生の名前はとて …  1234567… "
        header = table.render_line(0).text
        assert header == f" {'Name':<18}  {'Number':>8} "


async def test_flexible_columns_share_the_width_and_scroll_sideways_when_narrow() -> None:
    app = app_for(SyntheticSource(3))
    async with app.run_test(size=(60, 6)) as pilot:
        await settle(pilot)
        table = app.table
        # 60 - 16 fixed - 8 padding = 36, shared by Name and Note
        assert table.render_line(0).text == (
            f" {'Name':<18}  {'Number':>8}  {'Note':<18}  {'Status':<8} "
        )
    app = app_for(SyntheticSource(3))
    async with app.run_test(size=(24, 6)) as pilot:
        await settle(pilot)
        table = app.table
        # each flexible column keeps its label and a sort arrow: 6 + 2 padding
        assert table.virtual_size.width == (6 + 2) + (8 + 2) + (6 + 2) + (8 + 2) > 24
        table.scroll_to(x=11, animate=False)
        await pilot.pause()
        header = table.render_line(0).text
        # scrolled past Name and into Number: the header shows what follows, and says at its
        # left end how many columns start out of sight there
        assert header.startswith(" ← 2 ") and "Note    Status" in header
        assert table.render_line(2).text.startswith("     7  ok")  # a row: sideways too


async def test_set_source_during_a_slow_fetch_ignores_the_stale_result() -> None:
    old = GatedSource(100_000, "Old", hold_count=False, hold_fetch=True)
    app = app_for(old)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await wait_until(pilot, old.waiting.is_set, "the old source's fetch")
        await wait_until(pilot, lambda: app.messages(PagedTable.CountChanged), "the old count")
        new = SyntheticSource(500, "New")
        table.set_source(new)
        await wait_until(pilot, lambda: table.cursor_key == "new-0", "the new rows")
        old.hold_fetch = False
        old.gate.set()  # the old page arrives now, after the new one
        await settle(pilot)
        assert old.fetches == [(0, 200)]  # it was fetched, and then ignored
        assert body(table)[0].split()[:2] == ["New", "000000"]
        assert all(line.startswith("New") for line in body(table))
        assert table.row_count == 500
        assert [m.count for m in app.messages(PagedTable.CountChanged)] == [100_000, 500]


async def test_set_source_during_a_slow_count_ignores_the_stale_count() -> None:
    old = GatedSource(100_000, "Old", hold_count=True, hold_fetch=False)
    app = app_for(old)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await wait_until(pilot, old.waiting.is_set, "the old source's count")
        assert body(table)[0] == "…"
        new = SyntheticSource(7, "New")
        table.set_source(new)
        await wait_until(pilot, lambda: table.cursor_key == "new-0", "the new rows")
        old.gate.set()
        await settle(pilot)
        assert table.row_count == 7
        assert [m.count for m in app.messages(PagedTable.CountChanged)] == [7]
        assert old.fetches == []  # its count came too late: nothing more was asked of it
        assert all(line.startswith("New") for line in body(table)[:7])


async def test_space_marks_the_cursor_row_and_moves_down() -> None:
    app = app_for(SyntheticSource(100), markable=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        await pilot.press("space", "space")
        assert table.marked_keys == {"student-0", "student-1"}
        assert table.cursor_index == 2
        assert table.render_line(1).text.startswith("●  Student 000000")
        assert table.render_line(3).text.startswith("   Student 000002")
        await pilot.press("up", "space")
        assert table.marked_keys == {"student-0"}
        marked = table.render_line(1)
        plain = table.render_line(4)
        assert marked.text.startswith("●")
        assert {s.style.bgcolor for s in marked if s.text.strip()} != {
            s.style.bgcolor for s in plain if s.text.strip()
        }
        table.clear_marks()
        await pilot.pause()
        assert table.marked_keys == set()
        assert table.render_line(1).text.startswith("   Student 000000")


async def test_space_does_nothing_when_the_table_is_not_markable() -> None:
    app = app_for(SyntheticSource(100))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space")
        assert app.table.marked_keys == set()
        assert app.table.cursor_index == 0
        assert app.table.render_line(1).text.startswith(" Student")


async def test_enter_and_click_select_rows() -> None:
    app = app_for(SyntheticSource(100))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        await pilot.press("down", "down", "enter")
        selected = app.messages(PagedTable.RowSelected)
        assert [(m.key, m.index) for m in selected] == [("student-2", 2)]
        await pilot.click(PagedTable, offset=(3, 6))  # line 6 = row 5
        assert table.cursor_index == 5
        await pilot.click(PagedTable, offset=(3, 6))
        await pilot.pause()
        selected = app.messages(PagedTable.RowSelected)
        assert [(m.key, m.index) for m in selected][-1] == ("student-5", 5)


async def test_sort_keys_and_header_clicks_post_sort_changed() -> None:
    app = app_for(SyntheticSource(100))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        await pilot.press("right_square_bracket")  # no sort yet: the first sortable column
        await pilot.press("right_square_bracket", "right_square_bracket")  # skips "note"
        await pilot.press("r")
        await pilot.press("left_square_bracket")
        await pilot.pause()
        changes = [(m.key, m.descending) for m in app.messages(PagedTable.SortChanged)]
        assert changes == [
            ("name", False),
            ("number", False),
            ("status", False),
            ("status", True),
            ("number", False),
        ]
        assert table.sort_key == "number" and not table.sort_descending
        assert "Number ▲" in table.render_line(0).text
        await pilot.press("r")
        assert "Number ▼" in table.render_line(0).text
        await pilot.click(PagedTable, offset=(3, 0))  # the Name header
        await pilot.pause()
        assert (table.sort_key, table.sort_descending) == ("name", False)
        assert "Name ▲" in table.render_line(0).text
        note_x = table.render_line(0).text.index("Note")
        await pilot.click(PagedTable, offset=(note_x, 0))  # not sortable
        await pilot.pause()
        assert table.sort_key == "name"
        with pytest.raises(ValueError):
            table.set_sort("note")


async def test_the_page_cache_stays_bounded() -> None:
    source = SyntheticSource(100_000)
    app = app_for(source, page_size=10, cache_pages=3)
    async with app.run_test(size=(60, 8)) as pilot:  # 7 rows on screen
        await settle(pilot)
        table = app.table
        held = []
        for _ in range(30):
            await pilot.press("pagedown")
            await settle(pilot)
            held.append(table.cached_row_count)
        assert max(held) <= 3 * 10
        assert table.cursor_index == 30 * 7
        assert "…" not in body(table)
        await pilot.press("home")
        await settle(pilot)
        assert body(table)[0].split()[:2] == ["Student", "000000"]
        # page 0 had been evicted, so it is fetched a second time
        assert [offset for offset, _ in source.fetches].count(0) == 2
        assert table.cached_row_count <= 30


async def test_a_failing_source_posts_load_failed_and_fails_the_worker() -> None:
    class BrokenSource(SyntheticSource):
        def fetch(self, offset: int, limit: int) -> list[PagedRow]:
            raise RuntimeError("database is locked")

    class WatchedTable(PagedTable):
        """Worker state changes go to the widget that started the worker."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self.worker_states: list[tuple[str, WorkerState, BaseException | None]] = []

        def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
            self.worker_states.append((event.worker.group, event.state, event.worker.error))

    table = WatchedTable(COLUMNS, BrokenSource(50))
    app = TableApp(table)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.messages(PagedTable.LoadFailed), "LoadFailed")
        await pilot.pause()
        failures = app.messages(PagedTable.LoadFailed)
        assert [m.error for m in failures] == ["database is locked"]
        await wait_until(
            pilot,
            lambda: any(state == WorkerState.ERROR for _, state, _ in table.worker_states),
            "the worker to fail",
        )
        group, state, error = table.worker_states[-1]
        assert (group, state) == ("paged-table", WorkerState.ERROR)
        assert isinstance(error, RuntimeError) and str(error) == "database is locked"
        assert body(app.table)[0] == "…"


async def test_a_failing_count_is_shown_in_the_table() -> None:
    class BrokenSource(SyntheticSource):
        def count(self) -> int:
            raise RuntimeError("no such table: student")

    app = app_for(BrokenSource(50))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.messages(PagedTable.LoadFailed), "LoadFailed")
        await pilot.pause()
        assert [m.error for m in app.messages(PagedTable.LoadFailed)] == ["no such table: student"]
        assert body(app.table)[0] == "Could not load the rows: no such table: student"


async def test_an_empty_source_shows_the_empty_text() -> None:
    app = app_for(SyntheticSource(0))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        assert body(table)[0] == "No rows"
        table.empty_text = "No students yet."
        await pilot.pause()
        assert body(table)[0] == "No students yet."
        assert table.cursor_key is None
        await pilot.press("enter", "down", "end")
        assert app.messages(PagedTable.RowSelected) == []
        assert [m.count for m in app.messages(PagedTable.CountChanged)] == [0]


async def test_reload_keeps_the_cursor_index_clamped() -> None:
    source = SyntheticSource(100)
    app = app_for(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        for _ in range(5):
            await pilot.press("pagedown")
        await settle(pilot)
        assert table.cursor_index == 55
        source.rows = 60
        table.reload()
        await settle(pilot)
        assert table.cursor_index == 55 and table.cursor_key == "student-55"
        source.rows = 20
        table.reload()
        await settle(pilot)
        assert table.cursor_index == 19 and table.cursor_key == "student-19"
        assert body(table)[-1].split()[:2] == ["Student", "000019"]
        assert [m.count for m in app.messages(PagedTable.CountChanged)] == [100, 60, 20]
        assert source.counts == 3


async def test_set_source_goes_to_the_top_or_follows_the_cursor_key() -> None:
    class ReversedSource(SyntheticSource):
        """The same rows in the other order, able to find a key."""

        def row(self, i: int) -> PagedRow:
            return super().row(self.rows - 1 - i)

        def index_of(self, key: str) -> int | None:
            return self.rows - 1 - int(key.rsplit("-", 1)[1])

    app = app_for(SyntheticSource(1000))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        assert table.cursor_key == "student-22"
        table.set_source(ReversedSource(1000), keep_cursor_key=True)
        await settle(pilot)
        assert table.cursor_index == 977 and table.cursor_key == "student-22"
        assert (
            "Student 000022" in table.render_line(table.cursor_index - int(table.scroll_y) + 1).text
        )
        table.set_source(SyntheticSource(1000))
        await settle(pilot)
        assert table.cursor_index == 0 and table.scroll_y == 0


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        Column("a", "A", width=0)
    with pytest.raises(ValueError):
        Column("a", "A", align="centre")
    with pytest.raises(ValueError):
        PagedTable([Column("a", "A"), Column("a", "B")])
    with pytest.raises(ValueError):
        PagedTable([Column("a", "A")], cache_pages=1)


def test_every_binding_has_a_description() -> None:
    for binding in PagedTable.BINDINGS:
        assert binding.description, binding  # type: ignore[union-attr]
    keys = {key for binding in PagedTable.BINDINGS for key in binding.key.split(",")}  # type: ignore[union-attr]
    assert not keys & {"s", "slash"}  # the global sync and filter keys


class SnapshotApp(TableApp):
    def __init__(self) -> None:
        columns = [
            Column("name", "Name"),
            Column("status", "Status", width=9),
            Column("done", "Done", width=6, align="right"),
        ]
        super().__init__(PagedTable(columns, FixedSource(), markable=True))

    def on_mount(self) -> None:
        self.table.set_sort("done", descending=True)


class FixedSource:
    def count(self) -> int:
        return 20

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        return [
            PagedRow(
                key=str(i),
                cells=(
                    Text(f"Student {i:02d} with a long surname"),
                    Text("overdue" if i == 3 else "active"),
                    Text(f"{100 - i * 5}%"),
                ),
                style="bold red" if i == 3 else "",
            )
            for i in range(offset, min(offset + limit, 20))
        ]


def test_snapshot_small_table(snap_compare: Callable[..., bool]) -> None:
    async def marked_and_loaded(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("down", "space")
        await settle(pilot)

    run_before: Callable[[Pilot], Awaitable[None]] = marked_and_loaded
    assert snap_compare(SnapshotApp(), terminal_size=(50, 14), run_before=run_before)


class CountingTable(PagedTable):
    """Counts the passes that paint the table (each frame it is part of)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.paints = 0

    def render_lines(self, crop: Region) -> list[Strip]:
        self.paints += 1
        return super().render_lines(crop)


async def test_a_slow_new_source_shows_placeholders_after_a_moment() -> None:
    """A new source keeps the rows on screen until its count and first page are in (one
    repaint per filter key), but one slower than LOADING_PAINT_DELAY shows as loading."""
    table = CountingTable(COLUMNS, SyntheticSource(500, "Old"))
    app = TableApp(table)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        slow = GatedSource(300, "New", hold_count=True, hold_fetch=False)
        table.paints = 0
        table.set_source(slow)
        await wait_until(pilot, slow.waiting.is_set, "the new source's count")
        await wait_until(pilot, lambda: table.paints > 0, "the placeholders painted")
        assert body(table)[0] == "…"
        slow.gate.set()
        await settle(pilot)
        assert body(table)[0].split()[:2] == ["New", "000000"]
