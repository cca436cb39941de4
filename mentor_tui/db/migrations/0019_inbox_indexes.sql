-- Revision 0019: a covering index for screen 7 (issue 17). A conversation's messages in
-- their order (thread, time, id) with every column the actor's scope, the unread test and the
-- report flag read: a conversation's page at any offset (the newest page of a 10,000-message
-- thread) and the conversations' counts and unread figures are read from the index alone,
-- without sorting. ix_messages_thread stays: models.py declares it (the server's tables).
CREATE INDEX ix_messages_thread_page ON messages (thread_id, created_at, id, deleted_at, sender_id, recipient_id, kind, audience, read_at, reported_at);
