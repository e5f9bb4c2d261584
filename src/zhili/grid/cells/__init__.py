"""H3 grid cells: their generation from district outlines, their community and their grid worker."""
