"""Conversations (SPEC section 4.7, issue 17): direct messages in threads, announcements with
each recipient's own read state, kept edits, reports to the admins, and the composer's drafts.

- ``rules``: who may write to whom, in the app, the CLI and (as SQL) on the sync server.
- ``send``: send, reply, announce, edit, report; every send audited without its text.
- ``inbox``: conversations and a thread's messages page by page, unread counts, read/unread.
- ``drafts``: the composer's text saved as it is typed; sending turns a draft into a message.
"""
