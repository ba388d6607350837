"""Modal dialogs: save a file (asking before overwriting), confirm."""

from .confirm import ConfirmDialog
from .save import SaveDialog

__all__ = ["ConfirmDialog", "SaveDialog"]
