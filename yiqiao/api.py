"""The JSON API (django-ninja): one NinjaAPI, one router per app, docs at /api/docs."""

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from yiqiao.capital.api import router as capital_router
from yiqiao.chain.api import router as chain_router
from yiqiao.cultivation.api import router as cultivation_router
from yiqiao.dashboard.api import router as dashboard_router
from yiqiao.demands.api import router as demands_router
from yiqiao.events.api import router as events_router
from yiqiao.intel.api import router as intel_router
from yiqiao.policies.api import router as policies_router
from yiqiao.projects.api import router as projects_router
from yiqiao.registry.api import router as registry_router

api = NinjaAPI(
    title="YiQiao 医桥 API",
    version="1.0",
    description="区域生物医药产业招商与服务平台接口。使用登录会话认证（写操作需 CSRF 令牌）。",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/registry/", registry_router)
api.add_router("/policies/", policies_router)
api.add_router("/demands/", demands_router)
api.add_router("/projects/", projects_router)
api.add_router("/intel/", intel_router)
api.add_router("/events/", events_router)
api.add_router("/capital/", capital_router)
api.add_router("/chain/", chain_router)
api.add_router("/cultivation/", cultivation_router)
api.add_router("/cockpit/", dashboard_router)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A number too large for the database (an id or offset past 64 bits) is the caller's
    mistake: 422 with a message, not a server error. Schemas bound what they can; this catches
    what slips past them."""
    return api.create_response(request, {"detail": "数值超出允许范围"}, status=422)
