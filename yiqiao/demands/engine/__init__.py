"""Need-to-resource matching engine (pure: no Django, no other yiqiao app).

Build an index over the region's resources once, then rank resources for each need::

    index = MatchIndex.build(resources)
    matches = index.match(need, limit=10, kinds=None, policy_status=eligibility_by_policy_id)

Each ``Match`` carries its score split into text and structured fit, the matched terms and
the constraints met and missed, all in Chinese. See ``index.py`` for the scoring and its cost,
``fit.py`` for the structured constraints, ``text.py`` for tokenisation and synonyms, and
``evaluation.py`` for nDCG@10 / recall@10 over a judged set.
"""

from .chain import ChainGraph
from .index import MAX_NEED_CHARS, MatchIndex
from .model import (
    EngineInputError,
    InvestorAttributes,
    Match,
    MatchedTerm,
    Need,
    OrganisationAttributes,
    PolicyAttributes,
    PolicyEligibility,
    Resource,
    ServiceAttributes,
    SpaceAttributes,
)
from .text import TextAnalyzer, Vocabulary

__all__ = [
    "MAX_NEED_CHARS",
    "ChainGraph",
    "EngineInputError",
    "InvestorAttributes",
    "Match",
    "MatchIndex",
    "MatchedTerm",
    "Need",
    "OrganisationAttributes",
    "PolicyAttributes",
    "PolicyEligibility",
    "Resource",
    "ServiceAttributes",
    "SpaceAttributes",
    "TextAnalyzer",
    "Vocabulary",
]
