"""Administrative divisions (市 → 区 → 街道/乡镇 → 社区/村), grid cells and location resolution."""
