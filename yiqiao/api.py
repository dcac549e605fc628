"""The JSON API (django-ninja): one NinjaAPI, one router per app, docs at /api/docs."""

from ninja import NinjaAPI
from ninja.security import django_auth

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
