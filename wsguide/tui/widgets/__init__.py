"""Widgets shared by the wizard's screens."""

from .ranking import RankingPanel

__all__ = ["RankingPanel"]
