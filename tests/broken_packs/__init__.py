"""Deliberately broken plugins for the plugin-isolation tests."""
