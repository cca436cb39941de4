"""Peer mentorship (issue 20): certification of advanced students as peer mentors (certify),
study groups with a peer facilitator and their sessions (groups), supervised peer reviews
(reviews)."""
