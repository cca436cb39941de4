"""Peer mentorship for mentors and admins (issue 20): `8`."""
