"""One Textual screen per module, with its .tcss beside it."""
