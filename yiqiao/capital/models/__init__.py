"""Capital: financing needs and investor matching, roadshows to close, funds, grant-to-equity
positions and offshore innovation centres (one module per topic)."""

from .centres import BenefitSettlement, BenefitTerm, IncubatedProject, OffshoreCentre
from .funds import Fund, FundCommitment, FundInvestment
from .grants import EquityExit, GrantTerms
from .needs import (
    FinancingNeed,
    Introduction,
    InvestorMatch,
    NeedView,
    PortfolioHolding,
)
from .roadshows import (
    Close,
    CloseShare,
    FeedbackReminder,
    InvestorFeedback,
    InvestorMeeting,
    Pitch,
    PitchInvitation,
    TermSheet,
)

__all__ = [
    "BenefitSettlement",
    "BenefitTerm",
    "Close",
    "CloseShare",
    "EquityExit",
    "FeedbackReminder",
    "FinancingNeed",
    "Fund",
    "FundCommitment",
    "FundInvestment",
    "GrantTerms",
    "IncubatedProject",
    "Introduction",
    "InvestorFeedback",
    "InvestorMatch",
    "InvestorMeeting",
    "NeedView",
    "OffshoreCentre",
    "Pitch",
    "PitchInvitation",
    "PortfolioHolding",
    "TermSheet",
]
