"""The bridge to the learning platform's PostgreSQL (the source document's Supabase tables,
``platform_schema.sql``): ``bridge.run_pass`` takes users, courses, modules, progress,
assignments, submissions, specializations, sessions and notes in through the write path and
sends review decisions, assignments, notes, sessions and notifications out."""
