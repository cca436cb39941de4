"""Screens of a person's own profile data, opened from several areas: a student's profile form
(students screen, a student's home) and days off (the student form, the admin's Mentors pane, a
mentor's own profile); a mentor's own profile and its form (`p` on their dashboard)."""
