"""Community base data (一库: population, service space, committees, property coverage) and the
verified residents who may support proposals and vote in the 议事厅."""
