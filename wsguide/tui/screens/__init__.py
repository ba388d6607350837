"""The wizard's screens, one module each."""

from .browse import BrowseScreen, CauseScreen
from .config import ConfigOutputScreen, ConfigScreen
from .home import HomeScreen
from .paste import PasteScreen
from .question import QuestionScreen
from .result import ResultScreen
from .verify import VerifyScreen

__all__ = ["BrowseScreen", "CauseScreen", "ConfigOutputScreen", "ConfigScreen", "HomeScreen", "PasteScreen",
           "QuestionScreen", "ResultScreen", "VerifyScreen"]
