"""`mentor-tui web`: the app in a browser (textual-serve), one signed-in person per session.

A small aiohttp front (front.py) signs people in against the sync server's accounts (enrol.py
logs a fresh store in, in a subprocess of its own), keeps their sessions (sessions.py) and runs
each person's own mentor-tui as a process over textual-serve's websocket protocol (apps.py).
It never imports Textual itself: the app runs in its own processes.
"""
