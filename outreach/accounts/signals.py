"""What happens to accounts that other areas act on (accounts sit below them and may not
import them): volunteers give a new volunteer account its profile."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent in the transaction that created an account, as ``send(user, actor=...)``.
user_created = _signals.signal("user-created")
