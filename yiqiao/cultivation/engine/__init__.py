"""The cultivation ladder's rules (梯度培育), pure Python + numpy, no Django.

- :mod:`.ladder`: the rungs and their order, validity of a recognition, the checks a new
  recognition must pass (a skipped rung needs a basis, a certificate cannot expire before it
  was issued), re-certification due dates, the listing stages and their order.
- :mod:`.candidates`: who is closest to a rung: every enterprise of a register snapshot is
  evaluated against the rung's criteria (a policy-format file) by the policy engine's batch
  path; candidates are ranked by criteria failed, then criteria missing data, then the
  relative shortfall on numeric criteria; the shown rows are explained criterion by criterion.
"""

from .candidates import CandidateRanking, CriterionState, explain_rows, rank_candidates
from .ladder import (
    BOARDS,
    CERTIFIED_RUNGS,
    LISTING_STAGES,
    RUNGS,
    Held,
    current_rung,
    default_expiry,
    recertification_due,
    recognition_problems,
    rung_index,
    stage_move_problem,
)

__all__ = [
    "BOARDS",
    "CERTIFIED_RUNGS",
    "LISTING_STAGES",
    "RUNGS",
    "CandidateRanking",
    "CriterionState",
    "Held",
    "current_rung",
    "default_expiry",
    "explain_rows",
    "rank_candidates",
    "recertification_due",
    "recognition_problems",
    "rung_index",
    "stage_move_problem",
]
