"""A grid worker's work: patrols, field events that become cases, 核查 tasks; the grid page."""
