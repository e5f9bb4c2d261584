"""网格化服务管理: grid cells, grid workers, patrols, field events, 核查 and the 人地物事组织 registries."""
