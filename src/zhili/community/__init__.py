"""社区治理“一库两平台”: community base data, 社区议事厅, volunteers and social organisations."""
