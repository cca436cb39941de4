"""The notes screen, note search and the due-date prompt."""
