"""The plan state machine, in one place.

draft → submitted → in_review → approved → filed → active → evaluating → finalized → closed,
and in_review → returned → draft when a reviewer sends it back. Who may take each step is
the Casbin policy's business (object ``plan``, the action named here), not this module's.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.errors import Conflict


@dataclass(frozen=True)
class Step:
    action: str
    sources: frozenset[str]
    target: str


STEPS: dict[str, Step] = {
    step.action: step
    for step in (
        Step("submit", frozenset({"draft"}), "submitted"),
        Step("start_review", frozenset({"submitted"}), "in_review"),
        Step("return", frozenset({"submitted", "in_review"}), "returned"),
        Step("redraft", frozenset({"returned"}), "draft"),
        # Approving moves the plan on only once every required sign-off is in (see review.py).
        Step("approve", frozenset({"submitted", "in_review"}), "approved"),
        Step("file", frozenset({"approved"}), "filed"),
        Step("acknowledge", frozenset({"filed"}), "active"),
        Step("start_evaluation", frozenset({"active"}), "evaluating"),
        Step("finalize", frozenset({"evaluating"}), "finalized"),
        Step("close", frozenset({"finalized"}), "closed"),
    )
}
# Content edits: the author while drafting (a returned plan goes back to draft), reviewers
# while reviewing. Nothing changes after approval.
EDIT_ACTION = {
    "draft": "update",
    "returned": "update",
    "submitted": "review_edit",
    "in_review": "review_edit",
}


def next_steps(state: str) -> list[str]:
    return sorted(a for a, step in STEPS.items() if state in step.sources)


def step(state: str, action: str) -> Step:
    """The step for ``action`` from ``state``; CONFLICT naming the allowed ones otherwise."""
    found = STEPS.get(action)
    if found is None or state not in found.sources:
        allowed = ", ".join(next_steps(state)) or "none"
        raise Conflict("illegal_transition", state=state, action=action, allowed=allowed)
    return found


def edit_action(state: str) -> str:
    action = EDIT_ACTION.get(state)
    if action is None:
        raise Conflict("plan_locked", state=state)
    return action
