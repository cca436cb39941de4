"""Figures: the dashboard's parts, progress and risk, and one student's view."""
