"""Reviews: the queue of submissions, decisions (approve, request changes, reject) with feedback, SLA reminders and the comment bank."""
