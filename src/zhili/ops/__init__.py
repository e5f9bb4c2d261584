"""Operations: checking a deployment (``zhili doctor``), and backing it up and restoring it."""
