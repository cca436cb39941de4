"""Assignment: a student's mentor within the mentor's capacity (``seats``: assign, unassign,
the load of one mentor or all), notified and audited. The matching (``core.matching``) and
the admin tools place students through it."""
