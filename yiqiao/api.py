"""The JSON API (django-ninja): one NinjaAPI, one router per app, docs at /api/docs."""

from ninja import NinjaAPI
from ninja.security import django_auth

from yiqiao.registry.api import router as registry_router

api = NinjaAPI(
    title="YiQiao 医桥 API",
    version="1.0",
    description="区域生物医药产业招商与服务平台接口。使用登录会话认证（写操作需 CSRF 令牌）。",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/registry/", registry_router)
