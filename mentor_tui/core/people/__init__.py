"""People: users and sign-in, mentor profiles and their checks, students and their list, the store's local settings."""
