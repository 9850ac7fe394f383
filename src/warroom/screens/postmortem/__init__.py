"""The post-mortem editor: the screen (screen.py), its form, its autosave, and the conflicts
between its saves and others'."""

from warroom.screens.postmortem.screen import PostMortemScreen

__all__ = ["PostMortemScreen"]
