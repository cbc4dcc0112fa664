"""What happens to an event that other areas act on.

Events are the foundation that registration and volunteers build on, so they must not import
them. Instead they announce: registration tells the registrants of a cancelled event or of a
published event whose time or place changed, and
volunteers copy a duplicated event's shifts. Both are sent inside the transaction of the
change, so what the receivers do is committed or rolled back with it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent when an event has been cancelled, as ``send(event, reason=..., actor=...)``. A
#: receiver returns how many people it told, which the audit entry keeps as ``told``.
event_cancelled = _signals.signal("event-cancelled")

#: Asked before an event is cancelled, as ``send(event)``: a receiver returns how many people
#: the cancellation would tell, so that staff are shown it first and must give a reason then.
event_cancel_audience = _signals.signal("event-cancel-audience")

#: Sent when an event has been duplicated as a draft, as ``send(original, copy=..., actor=...)``.
event_duplicated = _signals.signal("event-duplicated")

#: Sent when a published event's time (start or end) or place (venue) has been changed, as
#: ``send(event, before={"starts_at": ..., "ends_at": ..., "venue": ...}, actor=...)`` (the old
#: values; the event holds the new ones). A receiver returns how many people it told, which the
#: audit entry keeps as ``told``.
event_changed = _signals.signal("event-changed")
