"""Incidents (事件): the spine the timeline, the reporting clock and dispatch hang on."""
