"""Learning records from the learning platform (SPEC section 10): courses, modules,
enrollments, module progress, assignments, submissions and users, applied to the store through
``core.writes`` under ids derived from the platform's own (``keys``), read from JSON Lines or
CSV files (``files``), checked all at once (``records``) and written all or nothing
(``apply``)."""
