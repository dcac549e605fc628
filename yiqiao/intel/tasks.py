"""Background work of news intelligence: extracting facts from a newly stored article."""

from __future__ import annotations

from django_tasks import task


@task()
def article_extract_task(article_id: int) -> None:
    """Extract, link and store the facts of one article (a second run does nothing)."""
    from .services import article_extract

    article_extract(article_id=article_id)
