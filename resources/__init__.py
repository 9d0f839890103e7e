"""Bundled data: the demo county, translations, report assets (files, not code)."""
