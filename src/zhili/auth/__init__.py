"""Users, roles, sessions, API keys and the jurisdiction scope."""
