"""People: users and sign-in (``users``, ``settings``, ``sign_in_peek``), mentor profiles and
their checks (``mentors``, ``mentor_fields``, ``availability``), students and their list with
progress figures and at-risk reasons (``students``, ``progress``), and the students waiting for a
mentor (``unassigned``)."""
