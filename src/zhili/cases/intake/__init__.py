"""受理: taking a demand in, from every channel, idempotently."""
