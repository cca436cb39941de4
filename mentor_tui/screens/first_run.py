"""An empty store opens here: create the first admin, then the app signs them in."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, Header, Input, Label, Static

from mentor_tui.core.access import Actor
from mentor_tui.screens.base import MentorScreen
from mentor_tui.widgets.events import SignedIn
from mentor_tui.widgets.key_footer import KeyFooter


class FirstRunScreen(MentorScreen[None]):
    FIRST_SHOW_SHORTCUT = False  # pushed over the app's default screen, not shown as a mode
    CSS_PATH = "first_run.tcss"
    HELP_TITLE = "First run"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "create", "Create the admin", id="first_run.create")
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="first-run-box"):
            yield Static("Welcome to mentor-tui", classes="section-title")
            yield Static(
                "This database has no users yet. Create the first admin account; you can add "
                "mentors and students from the admin tools or with `mentor-tui users import`.",
                classes="muted",
            )
            yield Label("Full name")
            yield Input(placeholder="Ada Lovelace", id="full-name")
            yield Label("Email")
            yield Input(placeholder="ada@example.org", id="email")
            yield Label("Timezone (IANA name)")
            yield Input(value="UTC", id="timezone")
            yield Static("", id="first-run-error", markup=False)
            yield Button("Create admin and sign in", id="create", variant="primary")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#full-name", Input).focus()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        order = ["full-name", "email", "timezone"]
        current = event.input.id or ""
        if current in order[:-1]:
            self.query_one(f"#{order[order.index(current) + 1]}", Input).focus()
        else:
            self.action_create()

    @on(Button.Pressed, "#create")
    def _pressed(self) -> None:
        self.action_create()

    def action_create(self) -> None:
        name = self.query_one("#full-name", Input).value
        email = self.query_one("#email", Input).value
        tz = self.query_one("#timezone", Input).value
        self.run_db(
            partial(_create_admin, name, email, tz),
            lambda actor: self.post_message(SignedIn(actor)),
            group="first-run",
        )

    def refused(self, sentence: str) -> None:
        self.query_one("#first-run-error", Static).update(sentence)


def _create_admin(name: str, email: str, tz: str, session: Session) -> Actor:
    from mentor_tui.core.people.settings import sign_in
    from mentor_tui.core.people.users import create_first_admin

    user = create_first_admin(session, email=email, full_name=name, timezone=tz)
    session.flush()
    return sign_in(session, user.email)
