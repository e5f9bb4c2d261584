"""A period in seconds as the queue's cron expression (a 6th field counts seconds).

Cron steps are exact only when they divide the next unit, so a period is taken down to the nearest
such step: 7 minutes runs every 6, 90 minutes every hour. A day or more runs daily at 00:00 UTC.
"""

from __future__ import annotations

STEPS = (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)  # divide a minute (seconds) or an hour (minutes)
HOUR_STEPS = (1, 2, 3, 4, 6, 8, 12)  # divide a day
DAY = 24 * 3600


def _step(value: float, steps: tuple[int, ...]) -> int:
    return max((s for s in steps if s <= value), default=steps[0])


def cron_for(seconds: float) -> str:
    if seconds < 60:
        step = _step(seconds, STEPS)
        return "* * * * * *" if step == 1 else f"* * * * * */{step}"
    if seconds < 3600:
        step = _step(seconds / 60, STEPS)
        return "* * * * *" if step == 1 else f"*/{step} * * * *"
    if seconds < DAY:
        step = _step(seconds / 3600, HOUR_STEPS)
        return "0 * * * *" if step == 1 else f"0 */{step} * * *"
    return "0 0 * * *"
