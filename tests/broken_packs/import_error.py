"""A plugin whose import fails."""

raise ImportError("this pack's dependency is missing (on purpose)")
