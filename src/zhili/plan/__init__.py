"""规划指标: the plan's quantitative targets as data, computed or entered values, progress and reports."""
