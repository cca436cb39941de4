"""Notifications written to a person when something happens to them."""
