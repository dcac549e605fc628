"""Where a need is matched: the district above a region, and the records that belong to a
district (suggestions name only these). The catalogue and ranking are in ``matching.py`` (the
one engine: ``engine.rank`` served by ``engine.rank_index``)."""

from __future__ import annotations

from django.db.models import Q

from yiqiao.registry.models import Organisation, Region, Service


def district_of(region: Region) -> Region:
    """The district (or city) above a region: spaces are suggested within it."""
    codes = [c for c in region.path.strip("/").split("/") if c]
    ancestors = {r.code: r for r in Region.objects.filter(code__in=codes)}
    for code in reversed(codes):
        r = ancestors.get(code)
        if r is not None and r.kind in {Region.Kind.DISTRICT, Region.Kind.CITY}:
            return r
    return region


def district_keys(root: Region) -> set[str]:
    """Keys of the organisation, investor and service resources that belong to a district: their
    organisation (a service's provider) is registered, located or maintained in it. Suggestions
    name only these, so a need never names another district's records."""
    orgs = set(
        Organisation.objects.filter(
            Q(region__path__startswith=root.path)
            | Q(park__path__startswith=root.path)
            | Q(owner_unit__region__path__startswith=root.path)
        ).values_list("pk", flat=True)
    )
    keys = {f"org:{pk}" for pk in orgs} | {f"investor:{pk}" for pk in orgs}
    services = Service.objects.filter(provider_id__in=orgs).values_list("pk", flat=True)
    return keys | {f"service:{pk}" for pk in services}
