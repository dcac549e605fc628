"""The request a signed-in view or API operation receives.

Pages behind ``login_required`` and every operation of the API (session authentication) run only
for a signed-in user, so their ``request.user`` is a :class:`~yiqiao.accounts.models.User`, never
the anonymous one. Annotating such a view's ``request`` as :class:`SignedInRequest` lets it hand
``request.user`` to a service that takes a ``User``; it changes nothing at run time.
"""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class SignedInRequest(HttpRequest):
    user: User
