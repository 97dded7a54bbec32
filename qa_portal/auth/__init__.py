"""Users, roles, login, passwords and set-password tokens."""
