"""Matching (SPEC section 7): who can be matched (``people``), the scores and their explanation
(``scores``), the exact optimal solver (``solver``), drafting, ranking and applying a plan
(``plan``, the package's public face), and moving a mentor's students while they are away
(``unavailability``)."""
