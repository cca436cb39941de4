"""Private mentorship notes: writing, due dates, and full-text search.

- ``notes``: notes, session summaries and action items (write, read, due dates, retention);
  ``notes.search_notes`` is the search a mentor runs.
- ``search``: the two FTS5 indexes over a mentor's own notes, the queries on them and their
  ranking (``search_notes``, ``SearchHit``), the owner tokens, rebuilding the indexes.
- ``terms``: a query read into terms, and which characters need the trigram index.
- ``snippets``: the snippet shown for each hit and its highlighted ranges.
"""
