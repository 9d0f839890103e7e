"""Performance and robustness scripts; each prints one line per figure (see README)."""
