"""Screen 7: conversations and the notifications inbox (issue 17)."""
