"""One handler per lifecycle action, by the action's name (the names of ``transitions.RULES``)."""

from __future__ import annotations

from zhili.cases.lifecycle import closing, collaboration, dispatching, locating
from zhili.cases.lifecycle.steps import Handler

HANDLERS: dict[str, Handler] = {
    "locate": locating.locate,
    "dispatch": dispatching.dispatch,
    "sign": dispatching.sign,
    "contact": dispatching.contact,
    "report": dispatching.report,
    "visit": closing.visit,
    "close": closing.close,
    "reopen": closing.reopen,
    "return": dispatching.return_case,
    "approve_return": dispatching.approve_return,
    "reject_return": dispatching.reject_return,
    "request_extension": dispatching.request_extension,
    "approve_extension": dispatching.approve_extension,
    "deny_extension": dispatching.deny_extension,
    "supervise": collaboration.supervise,
    "whistle": collaboration.whistle,
    "check_in": collaboration.check_in,
    "report_part": collaboration.report_part,
    "merge": collaboration.merge,
    "link": collaboration.link,
    "direct_close": closing.direct_close,
}
