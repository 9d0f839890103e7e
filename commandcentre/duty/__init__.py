"""Duty (值班值守): the shift rota now; intake records, handover and the daily report follow."""
