"""Uncertainty and sensitivity on the same engine: arrays of draws, never a second model."""
