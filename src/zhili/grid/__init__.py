"""网格化服务管理, in sub-packages: cells (H3 grid cells, their community and grid worker), patrols
(patrols, field events, 核查 and the grid page) and registry (the 人地物事组织 registries)."""
