"""社区治理“一库两平台”, a sub-package each: ``profiles`` (community base data, 一库, and verified
residents), ``organisations`` (social organisations and street hubs), ``halls`` (社区议事厅) and
``volunteers``. What they share stays here: the write checks (``access``), the personal-data cipher
(``deps``), the page gate (``pages``), form parsing (``forms``), schema parts (``schemas``), and
``routes``, which gathers every router for ``zhili.app``."""
