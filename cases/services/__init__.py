"""Every change to a case: intake and one service per transition.

Each service passes the guard (`guard._guard`), runs atomically, moves the case with a
conditional UPDATE on its version (`transition.case_apply`: of two staff acting at once only
one wins), appends a `CaseEvent` and notifies in the same transaction. The modules, by what a
service does: `intake`, `handling`, `routing`, `escalation` (clocks and the ladder),
`resident` and `neighbours`; every public name is here, so callers import from `cases.services`.
"""

from cases.services.callbacks import callback_done, callback_request
from cases.services.escalation import (
    DEADLINE_HORIZON,
    HORIZON_DAYS,
    case_auto_close,
    case_decide_extension,
    case_request_extension,
    case_supervise,
    cases_escalate,
)
from cases.services.guard import PRECONDITIONS, CaseStateError, case_actions_allowed, party_of
from cases.services.handling import (
    case_accept,
    case_assign,
    case_call_contact,
    case_close,
    case_first_response,
    case_follow_up,
    case_merge,
    case_photos_publish,
    case_reclassify,
    case_reply,
    case_resolve,
    case_reveal_contact,
)
from cases.services.intake import (
    FORM_RESUBMIT_WINDOW,
    IdempotencyKeyReused,
    case_submit,
    case_submit_many,
    intake_clocks,
    intake_deadlines,
)
from cases.services.neighbours import case_join, case_neighbour_rate
from cases.services.resident import case_rate, case_reopen, case_resident_reply
from cases.services.routing import case_return, case_rule_return, case_transfer, case_whistle
from cases.services.transition import case_apply

__all__ = [
    "DEADLINE_HORIZON",
    "FORM_RESUBMIT_WINDOW",
    "HORIZON_DAYS",
    "PRECONDITIONS",
    "CaseStateError",
    "IdempotencyKeyReused",
    "callback_done",
    "callback_request",
    "case_accept",
    "case_actions_allowed",
    "case_apply",
    "case_assign",
    "case_auto_close",
    "case_close",
    "case_decide_extension",
    "case_call_contact",
    "case_first_response",
    "case_join",
    "case_follow_up",
    "case_merge",
    "case_neighbour_rate",
    "case_photos_publish",
    "case_rate",
    "case_reclassify",
    "case_reopen",
    "case_reply",
    "case_request_extension",
    "case_resident_reply",
    "case_resolve",
    "case_return",
    "case_reveal_contact",
    "case_rule_return",
    "case_submit",
    "case_submit_many",
    "case_supervise",
    "case_transfer",
    "case_whistle",
    "cases_escalate",
    "intake_clocks",
    "intake_deadlines",
    "party_of",
]
