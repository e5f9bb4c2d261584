"""Citizen self-service: tracking by code and phone tail, and the 回访 by link."""
