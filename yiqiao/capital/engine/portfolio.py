"""An investor's portfolio read against a financing need: the demands engine's reading (one
engine: the ranking reads portfolios through ``yiqiao.demands.engine.portfolio``), named here for
the capital app's callers."""

from yiqiao.demands.engine.portfolio import (
    CONFLICT_YEARS,
    EQUITY_INSTRUMENTS,
    Holding,
    NeedFacts,
    PortfolioSignals,
    Signal,
    read_portfolio,
    reorder,
)

__all__ = [
    "CONFLICT_YEARS",
    "EQUITY_INSTRUMENTS",
    "Holding",
    "NeedFacts",
    "PortfolioSignals",
    "Signal",
    "read_portfolio",
    "reorder",
]
