"""Categories, demand types, urgencies, channels and time-limit policies: all data."""
