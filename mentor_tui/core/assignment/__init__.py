"""Assignment: seats and capacity (assign, unassign, mentor load), the students waiting for a mentor, and moving a mentor's students while they are away."""
