"""The one lifecycle engine: each state machine is a Workflow built from Transition rows.

`Workflow.apply` is the only code that assigns a lifecycle status (tests/test_architecture.py checks this over the
AST of qa_portal/). Each move: permission (403 ActionForbidden, "not yours"), source state and reason (409
TransitionRefused, "not now"), every guard (409, with the reason), then the status, a timeline event, every effect,
and the `transitioned` signal — which the audit log subscribes to (one audit entry per move) and notifications
will too.

Downstream packages never get imported from here: a stage registers its transitions, extra guards and effects
with an upstream workflow at app start (`workflow.define`, `workflow.extend`).
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from blinker import Namespace
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from qa_portal.core.errors import DomainError
from qa_portal.core.models import StateChange, utcnow
from qa_portal.extensions import db

_signals = Namespace()

# Sent after every move, inside the same transaction: sender=the Workflow; obj, action, actor, source, target,
# comment and event (the timeline row) as keyword arguments.
transitioned = _signals.signal("core.workflow.transitioned")

# Every Workflow built, by name: the architecture and table tests walk them all.
WORKFLOWS: dict[str, "Workflow"] = {}


class ActionForbidden(DomainError):
    """The user may not take this action on this object: not theirs to take (HTTP 403)."""

    status_code = 403


class TransitionRefused(DomainError):
    """The action is not possible now — wrong state, missing reason or a failed guard (HTTP 409)."""

    status_code = 409


Guard = Callable[[Any, dict], None]  # (obj, data) -> None; raises TransitionRefused with the reason
Effect = Callable[[Any, Any, dict], None]  # (obj, actor, data) -> None; runs after the status changed
Permission = Callable[[Any, Any], bool]  # (user, obj) -> bool


@dataclass(frozen=True)
class Transition:
    """One row of a table: where the action may start, where it leads, who may take it, and its rules."""

    sources: frozenset
    target: Enum
    permission: Permission | None  # None: only the system takes it (apply(..., system=True))
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    requires_reason: bool = False  # a written reason (the comment) is part of the action
    danger: bool = False  # shown as a red button, confirmed first
    button: bool = True  # False when another page's form takes the action (a plain button would only fail)
    # What becomes final and who is told, asked on a confirmation page before the move (core/confirm.py); every
    # irreversible step and every danger row has one (tests/core/test_confirmations.py checks the tables).
    confirm: Any = None
    done: Any = None  # the confirmation after the move, in plain words ("Your self-evaluation was submitted …")

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))
        object.__setattr__(self, "guards", tuple(self.guards))
        object.__setattr__(self, "effects", tuple(self.effects))


def problems_guard(problems: Callable[[Any], Iterable], message) -> Guard:
    """A guard that asks problems(obj) for the rules still broken and refuses naming them all.

    `message` holds a %(problems)s placeholder (a lazy string, translated when the guard refuses)."""
    def guard(obj, _data: dict) -> None:
        found = [str(problem) for problem in problems(obj)]
        if found:
            raise TransitionRefused(str(message) % {"problems": "; ".join(found)})
    guard.__doc__ = f"Refuses while {getattr(problems, '__name__', 'the check')}(obj) lists broken rules."
    return guard


def object_effect(function: Callable[[Any, Any], None]) -> Effect:
    """An effect that hands the moved object and the actor to function(obj, actor) (stamps, deadlines, freezing)."""
    def effect(obj, actor, _data: dict) -> None:
        function(obj, actor)
    effect.__doc__ = f"Runs {getattr(function, '__name__', 'the function')}(obj, actor) after the move."
    return effect


@dataclass(eq=False)
class Workflow:
    """A state machine over one status column: its table, labels, and how each move is recorded."""

    name: str  # also the audit action prefix: "<name>.<action>"
    state_attr: str  # the status column the engine assigns ("state", "status", ...)
    states: type[Enum]
    actions: type[Enum]
    state_labels: dict
    action_labels: dict
    describe: Callable[[Any], str]  # the object's name in the audit log ("MC-2026-001", "mc-pilot v2")
    object_label: Any = _l("this record")  # for messages: "… on this case"
    reason_field: str = "comment"  # the form field a missing reason is reported on
    # (obj, action, source, target, actor, comment) -> the timeline row; by default a generic StateChange row
    timeline: Callable | None = None
    transitions: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.name in WORKFLOWS:
            raise ValueError(f"A workflow named {self.name!r} exists already.")
        WORKFLOWS[self.name] = self

    # --- building the table -------------------------------------------------------------------------------
    def define(self, action, transition: Transition) -> None:
        """Add an action's row (a downstream stage defines its own actions on an upstream machine at app start)."""
        action = self.actions(action)
        if action in self.transitions:
            raise ValueError(f"{self.name}: {action.value} is defined already.")
        self.transitions[action] = transition

    def extend(self, action, *, guards: Iterable[Guard] = (), effects: Iterable[Effect] = ()) -> None:
        """Append guards and effects to an existing row (a downstream rule on an upstream move)."""
        action = self.actions(action)
        row = self.transitions[action]
        self.transitions[action] = replace(row, guards=row.guards + tuple(guards), effects=row.effects + tuple(effects))

    def transition(self, action) -> Transition:
        """The row of an action; TransitionRefused for an action this machine does not know (yet)."""
        try:
            action = self.actions(action)
            return self.transitions[action]
        except (ValueError, KeyError):
            raise TransitionRefused(_("“%(action)s” is not an action of %(object)s.", action=str(action),
                                      object=self.object_label)) from None

    # --- reading ---------------------------------------------------------------------------------------------
    def state_of(self, obj) -> Enum:
        """The object's current status as the machine's enum."""
        return self.states(getattr(obj, self.state_attr))

    def available(self, user, obj) -> list:
        """The actions this user may take on the object now (its buttons); guards are checked on use."""
        state = self.state_of(obj)
        return [action for action, row in self.transitions.items()
                if row.button and row.permission is not None and state in row.sources and row.permission(user, obj)]

    def blocker(self, user, obj, action) -> str | None:
        """Why the action cannot be taken now, in words (a disabled button's reason), or None when it can."""
        try:
            self._check(obj, self.actions(action), user, "", {}, system=False, preview=True)
        except DomainError as refusal:
            return refusal.message
        return None

    def offered(self, user, obj) -> list[tuple]:
        """The user's buttons now, each with the reason it is refused (None when it can be taken): the available
        actions whose guards pass are enabled, the others are shown disabled with what must happen first."""
        return [(action, self.blocker(user, obj, action)) for action in self.available(user, obj)]

    def asks_first(self, user, obj, action, comment: str = "") -> bool:
        """Whether the move is irreversible (its row has confirmation words) and would go ahead now, so the user
        confirms it on a confirmation page first; a move that would be refused is refused at once instead."""
        row = self.transition(action)
        if not row.confirm or self.blocker(user, obj, action) is not None:
            return False
        return bool((comment or "").strip()) or not row.requires_reason

    # --- moving -------------------------------------------------------------------------------------------------
    def _check(self, obj, action, actor, comment: str, data: dict, *, system: bool, preview: bool = False) -> None:
        row = self.transition(action)
        if not system:
            if row.permission is None:
                raise ActionForbidden(_("This change happens automatically and cannot be requested."))
            if not row.permission(actor, obj):
                raise ActionForbidden(_("You may not %(action)s on %(object)s.",
                                        action=str(self.action_labels[action]).lower(), object=self.object_label))
        state = self.state_of(obj)
        if state not in row.sources:
            raise TransitionRefused(_("“%(action)s” is not possible while %(object)s is “%(state)s”.",
                                      action=self.action_labels[action], object=self.object_label,
                                      state=self.state_labels[state]))
        if row.requires_reason and not comment and not preview:
            raise TransitionRefused(_("Give the reasons for this step."), field=self.reason_field)
        for guard in row.guards:
            guard(obj, data)

    def _state_change(self, obj, action, source, target, actor, comment: str) -> StateChange:
        """The generic timeline row, for machines without a timeline table of their own."""
        if obj.id is None:
            db.session.flush()
        event = StateChange(workflow=self.name, object_id=obj.id, action=action.value, from_state=source.value,
                            to_state=target.value, actor_id=getattr(actor, "id", None), at=utcnow(), comment=comment)
        db.session.add(event)
        return event

    def apply(self, obj, action, actor, comment: str | None = None, *, system: bool = False, **data):
        """Move obj by one action and return its timeline row.

        `system=True` skips the permission check, for moves the portal makes itself (a newer version supersedes
        an older one); the actor is still recorded."""
        row = self.transition(action)
        action = self.actions(action)
        comment = (comment or "").strip()
        data = {**data, "reason": comment}
        self._check(obj, action, actor, comment, data, system=system)
        source = self.state_of(obj)
        setattr(obj, self.state_attr, row.target)
        event = (self.timeline or self._state_change)(obj, action, source, row.target, actor, comment)
        for effect in row.effects:  # before the flush: CHECK constraints tie a status to what its effects stamp
            effect(obj, actor, data)
        db.session.flush()
        transitioned.send(self, obj=obj, action=action, actor=actor, source=source, target=row.target,
                          comment=comment, event=event)
        return event
