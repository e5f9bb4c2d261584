"""The deadline sweep: 预警 and 超期 flags and 督办 records."""
