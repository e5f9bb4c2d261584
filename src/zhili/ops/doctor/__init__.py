"""``zhili doctor``: a production checklist that a tool checks, one ✓ or ✗ per item."""
