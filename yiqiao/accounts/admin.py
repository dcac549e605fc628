from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .forms import LoginForm
from .models import OrgUnit, User


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "parent"]
    list_filter = ["kind"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "org_unit", "role", "is_active"]
    list_filter = ["role", "org_unit", "is_active"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        ("医桥", {"fields": ("display_name", "org_unit", "role", "organisation")}),
    )
    raw_id_fields = ["organisation"]


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The admin's sign-in counts failures and locks like the site's own."""


admin.site.login_form = AdminLoginForm
