"""Figures: the dashboard's parts and one student's page, built on the people's progress
figures (``core.people.progress``: completion and activity as SQL, shared by the lists, the views
and the dashboard).

- ``dashboard``: the dashboard (SPEC 4.1) as parts (``PARTS``), each read and kept on its own:
  the review queue card, recent activity, upcoming sessions, a mentor's action items, and the
  whole put together (``dashboard``).
- ``summary``: the students cards (how many, active, at risk, average completion) and the few
  students needing attention, counted over every visible student.
- ``performance``: a mentor's own performance and, for an admin, the program overview.
- ``student_view``: everything about one student, for the student view.
"""
