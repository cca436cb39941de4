"""A student's own screens (issue 20): `1` my progress, `2` my work, `3` feedback, `5` my
calendar with booking. A student reaches these and no mentor screen (``app/main.py`` AREAS)."""
