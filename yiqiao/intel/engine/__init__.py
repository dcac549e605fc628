"""News intelligence engine (pure: no Django, no other yiqiao apps).

Entry points:

* :func:`extract_article` – bytes / text / HTML → :class:`Extraction` (the output contract);
* :func:`add_confirmed_names` – grow the dictionary of confirmed organisation names;
* :func:`link_organisations` – match names to register entries;
* :func:`derive_leads` – lead suggestions from an extraction;
* :func:`fingerprint`, :func:`group_near_duplicates`, :func:`collapse_duplicates` –
  near-duplicate articles;
* :func:`score` – evaluation against labelled articles.
"""

from .dedup import (
    DuplicateGroup,
    Fingerprint,
    collapse_duplicates,
    fingerprint,
    group_near_duplicates,
)
from .leads import Lead, derive_leads
from .linking import LinkResult, Mention, RegisterEntry, Suggestion, link_organisations
from .orgs import add_confirmed_names, confirmed_names, load_models
from .pipeline import extract_article
from .records import (
    Event,
    Extraction,
    Location,
    Metric,
    Money,
    Organisation,
    Signing,
    format_quantity,
)
from .scoring import Report, score

__all__ = [
    "DuplicateGroup",
    "Event",
    "Extraction",
    "Fingerprint",
    "Lead",
    "LinkResult",
    "Location",
    "Mention",
    "Metric",
    "Money",
    "Organisation",
    "RegisterEntry",
    "Report",
    "Signing",
    "Suggestion",
    "add_confirmed_names",
    "collapse_duplicates",
    "confirmed_names",
    "derive_leads",
    "extract_article",
    "fingerprint",
    "format_quantity",
    "group_near_duplicates",
    "link_organisations",
    "load_models",
    "score",
]
