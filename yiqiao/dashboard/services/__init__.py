"""Writes of the cockpit: yearly targets."""

from .targets import kpi_target_set

__all__ = ["kpi_target_set"]
