"""zhili (治理): an open-source platform for city social governance."""

__version__ = "0.1.0"
