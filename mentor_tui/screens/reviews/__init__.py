"""The review queue, its preview, the feedback editor and the comment bank."""
