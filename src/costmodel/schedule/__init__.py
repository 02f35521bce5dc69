"""Procurement plan: working-day calendar, critical path, weekly progress, Gantt chart and report."""
