"""A PagedTable's keys and clicks: the cursor keys, enter, marking, sorting by a column (keys
or a click on the header) and a click on a row.

These are methods of `PagedTable` (``self`` is the table), written as plain functions and bound
by name in its class body (``action_select = table_keys.action_select``): the same code as if
written there, with no call in between, and the class keeps its bases. The bindings are the
class's `BINDINGS`.
"""

from __future__ import annotations

from textual import events


def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
    if action == "toggle_mark":
        return self._markable
    if action in ("sort_column", "reverse_sort"):
        return any(column.sortable for column in self._columns)
    return True


def action_cursor_up(self) -> None:
    self.cursor_index = self.cursor_index - 1


def action_cursor_down(self) -> None:
    self.cursor_index = self.cursor_index + 1


def action_page_up(self) -> None:
    rows = self._rows_on_screen()
    self.scroll_to(y=max(0, self.scroll_y - rows), animate=False)
    self.cursor_index = self.cursor_index - rows


def action_page_down(self) -> None:
    rows = self._rows_on_screen()
    self.scroll_to(y=self.scroll_y + rows, animate=False)
    self.cursor_index = self.cursor_index + rows


def action_first_row(self) -> None:
    self.cursor_index = 0


def action_last_row(self) -> None:
    self.cursor_index = self._row_count - 1


def action_select(self) -> None:
    key = self.cursor_key
    if key is None:
        self.app.bell()
        return
    self.post_message(self.RowSelected(self, key, self.cursor_index))


def action_toggle_mark(self) -> None:
    if not self._markable:
        return
    key = self.cursor_key
    if key is None:
        self.app.bell()
        return
    if key in self._marked:
        self._marked.discard(key)
    else:
        self._marked.add(key)
    self.refresh_line(self.cursor_index + 1)
    self.cursor_index = self.cursor_index + 1


def action_sort_column(self, step: int) -> None:
    sortable = [column.key for column in self._columns if column.sortable]
    if not sortable:
        return
    if self._sort_key in sortable:
        position = (sortable.index(self._sort_key) + step) % len(sortable)
    else:
        position = 0 if step > 0 else len(sortable) - 1
    self.set_sort(sortable[position])


def action_reverse_sort(self) -> None:
    sortable = [column.key for column in self._columns if column.sortable]
    if not sortable:
        return
    if self._sort_key in sortable:
        self.set_sort(self._sort_key, not self._sort_descending)
    else:
        self.set_sort(sortable[0])


async def on_click(self, event: events.Click) -> None:
    offset = event.get_content_offset(self)
    if offset is None:
        return
    if offset.y == 0:
        column = self._column_at(offset.x + int(self.scroll_x))
        if column is not None and column.sortable:
            descending = not self._sort_descending if column.key == self._sort_key else False
            self.set_sort(column.key, descending)
        return
    index = int(self.scroll_y) + offset.y - 1
    if index >= self._row_count:
        return
    if index == self.cursor_index:
        self.action_select()
    else:
        self.cursor_index = index
