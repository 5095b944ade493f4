"""Signals: how a lower layer tells (or asks) the layers above it without importing them.

Each domain declares the signals it sends in its own `signals.py` (blinker, in this namespace);
the domain above subscribes in its `receivers.py`, which create_app imports
(`register_receivers`). Receivers run synchronously, in the sender's transaction."""
from __future__ import annotations

from blinker import Namespace, Signal

signals = Namespace()


def ask(signal: Signal, sender: str, **kwargs):
    """The first answer (not None) of the signal's receivers, or None when nobody answers."""
    for _receiver, answer in signal.send(sender, **kwargs):
        if answer is not None:
            return answer
    return None
