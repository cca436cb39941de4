"""The Textual application: `MentorApp` (global keys, areas, workers), its sync loop and its reminder loop."""
