"""Matching (SPEC section 7): who can be matched, the scores and their explanation, the exact optimal solver, and drafting and applying a plan."""
