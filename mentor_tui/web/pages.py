"""The web front's two pages: sign-in and the app (textual-serve's terminal), plain HTML.

Every value from a person or the server is escaped; the pages load nothing from elsewhere.
"""

from __future__ import annotations

from html import escape

TLS_NOTE = (
    "This server does not encrypt anything itself: run it behind a reverse proxy that serves "
    "HTTPS (Caddy or nginx, see the README), never bare on a network."
)
RESERVED_KEYS_NOTE = (
    "A browser keeps ctrl+n, ctrl+t and ctrl+w for itself: use alt+n (new note), alt+c (done) "
    "and alt+a (agenda templates) instead, or press Full screen (Chrome, Edge) and they reach "
    "the app."
)

STYLE = """
body { background: #0c181f; color: #e8eef2; font-family: system-ui, sans-serif; margin: 0; }
main.sign-in { max-width: 26rem; margin: 8vh auto; padding: 2rem; background: #12232d; }
label { display: block; margin-top: 1rem; }
input { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }
button { margin-top: 1.2rem; padding: .5rem 1.2rem; font-size: 1rem; cursor: pointer; }
p.answer { background: #5c1f1f; padding: .6rem; }
p.notice { background: #1f3d5c; padding: .6rem; }
p.tls, p.keys { font-size: .85rem; color: #9fb3c0; }
header.bar { display: flex; gap: 1rem; align-items: center; padding: .25rem .75rem;
  background: #12232d; font-size: .9rem; height: 2rem; box-sizing: border-box; }
header.bar form { margin: 0; } header.bar button { margin: 0; padding: .15rem .8rem; }
header.bar .who { flex: 1; }
#terminal { position: absolute; top: 2rem; bottom: 0; left: 0; right: 0; }
body.-closed .ended { display: block; }
.ended { display: none; position: absolute; top: 40vh; width: 100%; text-align: center;
  z-index: 20; }
"""


def _page(title: str, body: str, head: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style>{head}</head>"
        f"<body>{body}</body></html>"
    )


def sign_in_page(*, answer: str | None = None, notice: str | None = None, email: str = "") -> str:
    """The sign-in form, with the last answer (refused) or notice (signed out) above it."""
    message = ""
    if answer:
        message = f"<p class='answer' role='alert' id='answer'>{escape(answer)}</p>"
    elif notice:
        message = f"<p class='notice' role='status' id='notice'>{escape(notice)}</p>"
    body = (
        "<main class='sign-in'><h1>mentor-tui</h1>"
        "<p>Sign in with your sync server account.</p>"
        f"{message}"
        "<form method='post' action='/signin'>"
        "<label for='email'>Email</label>"
        f"<input id='email' name='email' type='email' autocomplete='username' required "
        f"value='{escape(email, quote=True)}' autofocus>"
        "<label for='password'>Password</label>"
        "<input id='password' name='password' type='password' "
        "autocomplete='current-password' required>"
        "<button type='submit' id='sign-in'>Sign in</button>"
        "</form>"
        f"<p class='tls'>{escape(TLS_NOTE)}</p></main>"
    )
    return _page("mentor-tui: sign in", body)


def app_page(*, name: str, role: str, websocket_url: str, static_url: str) -> str:
    """The person's app: a bar (who, full screen, sign out) above textual-serve's terminal."""
    static = escape(static_url, quote=True)
    head = (
        f"<link rel='stylesheet' href='{static}css/xterm.css'>"
        "<style>@font-face { font-family: 'Roboto Mono'; "
        f"src: url('{static}fonts/RobotoMono-VariableFont_wght.ttf'); }}</style>"
        f"<script src='{static}js/textual.js'></script>"
        # Full screen with the keyboard locked: Chromium then gives ctrl+w/t/n to the page
        "<script>async function fullScreen() {"
        " await document.documentElement.requestFullscreen();"
        " if (navigator.keyboard && navigator.keyboard.lock) {"
        " await navigator.keyboard.lock(); } }</script>"
    )
    body = (
        "<header class='bar'>"
        f"<span class='who' id='who'>{escape(name)} ({escape(role)})</span>"
        f"<span class='keys' title='{escape(RESERVED_KEYS_NOTE, quote=True)}'>"
        "<button type='button' id='full-screen' onclick='fullScreen()'>Full screen</button>"
        "</span>"
        "<form method='post' action='/signout'>"
        "<button type='submit' id='sign-out'>Sign out</button></form>"
        "</header>"
        "<div class='ended' id='ended'>Your app has ended. "
        "<a href='/' style='color:#9cf'>Open it again</a> or sign out.</div>"
        "<div id='terminal' class='textual-terminal' "
        f"data-session-websocket-url='{escape(websocket_url, quote=True)}' "
        "data-font-size='16'></div>"
        # textual.js wants an absolute ws:// or wss:// URL: this page's own host
        "<script>const t = document.getElementById('terminal');"
        " t.dataset.sessionWebsocketUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://')"
        " + location.host + t.dataset.sessionWebsocketUrl;</script>"
    )
    return _page("mentor-tui", body, head)


def refused_page(sentence: str, status_title: str) -> str:
    body = (
        f"<main class='sign-in'><h1>{escape(status_title)}</h1>"
        f"<p class='answer' role='alert' id='answer'>{escape(sentence)}</p>"
        "<p><a href='/' style='color:#9cf'>Back to sign-in</a></p></main>"
    )
    return _page("mentor-tui", body)
