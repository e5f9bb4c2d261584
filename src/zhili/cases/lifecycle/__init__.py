"""办理: the lifecycle table, one handler per action, deadlines for each round."""
