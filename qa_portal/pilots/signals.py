"""Signals pilots sends to downstream domains (reviews subscribes); pilots never imports them."""
from blinker import Namespace

_signals = Namespace()

# Sent by complete_selection(actor, call) after the call reaches selection_done, inside the same
# transaction: sender=the Call, actor=the officer, applications=the selected Application rows.
selection_completed = _signals.signal("pilots.selection-completed")

# Sent by update_institution after the change is flushed, inside the same transaction: sender=the Institution
# (its names and identifiers appear in published records downstream).
institution_changed = _signals.signal("pilots.institution-changed")
