"""Writes of news intelligence, one module per topic: articles (ingest, extract), review (facts),
leads (suggestions → pipeline projects). Every write is atomic and audited."""

from __future__ import annotations

from .articles import (
    ALLOWED_SUFFIXES,
    DEFAULT_MAX_BYTES,
    DUPLICATE_THRESHOLD,
    ENGINE_KINDS,
    IngestRefused,
    IngestResult,
    article_extract,
    article_ingest,
    check_input,
    dictionary_sync,
    link_fields,
    max_bytes,
    party_links,
    register_entries,
    use_lac,
)
from .leads import (
    LeadRefused,
    chain_keywords,
    home_region_name,
    lead_accept,
    lead_dismiss,
    leads_refresh,
)
from .review import (
    REVIEW_ACTIONS,
    ReviewRefused,
    fact_add_to_register,
    fact_review,
)

__all__ = [
    "ALLOWED_SUFFIXES",
    "DEFAULT_MAX_BYTES",
    "DUPLICATE_THRESHOLD",
    "ENGINE_KINDS",
    "IngestRefused",
    "IngestResult",
    "LeadRefused",
    "REVIEW_ACTIONS",
    "ReviewRefused",
    "article_extract",
    "article_ingest",
    "chain_keywords",
    "check_input",
    "dictionary_sync",
    "fact_add_to_register",
    "fact_review",
    "home_region_name",
    "lead_accept",
    "lead_dismiss",
    "leads_refresh",
    "link_fields",
    "max_bytes",
    "party_links",
    "register_entries",
    "use_lac",
]
