"""mentor-tui: a keyboard-driven terminal application for mentorship programs."""

__version__ = "0.1.0"
