"""诉求 (demands, "cases") and their handling lifecycle."""
