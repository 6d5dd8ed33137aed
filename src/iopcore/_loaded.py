"""Which of iopcore's public modules have finished importing, for the one listener that needs to know.

Each public module that defines types with a registered strategy ends with ``loaded(__name__)``.
The Hypothesis entry point (:mod:`iopcore._hypothesis_plugin`) listens: it registers a module's
strategies once both that module and Hypothesis are loaded, whichever comes second. This module
imports nothing, so the entry point that imports it stays cheap, and it sits below every layer,
so the domain can announce itself without importing the Hypothesis edge.
"""

from __future__ import annotations

from collections.abc import Callable

_modules: list[str] = []
_listeners: list[Callable[[str], None]] = []


def loaded(module: str) -> None:
    """Record that the public module named *module* has finished importing, and tell the listeners."""
    _modules.append(module)
    for listener in tuple(_listeners):
        listener(module)


def when_loaded(listener: Callable[[str], None]) -> None:
    """Call *listener* with the name of every public module loaded so far, and of each loaded from now on.

    Adding the same listener again calls it again for the modules loaded so far, and no more than once
    for each module loaded later.
    """
    if listener not in _listeners:
        _listeners.append(listener)
    for module in tuple(_modules):
        listener(module)
