"""The wizard's screens, one module each.

Re-exported lazily (PEP 562): the first paint needs only the home screen, and importing the
others (Markdown, TextArea, SelectionList) up front costs ~0.15 s before anything is drawn.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "BrowseScreen": "browse", "CauseScreen": "browse", "CheckScreen": "check", "ConfigOutputScreen": "config",
    "ConfigScreen": "config", "HomeScreen": "home", "LiveScreen": "live", "PasteScreen": "paste",
    "QuestionScreen": "question", "ResultScreen": "result", "VerifyScreen": "verify",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
