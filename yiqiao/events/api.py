"""events API router (django-ninja); endpoints are added next to the app's queries and services."""

from ninja import Router

router = Router(tags=["events"])
