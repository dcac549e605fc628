from django.contrib import admin

from .models import (
    Conversion,
    Demand,
    DemandTransition,
    FollowUp,
    Reminder,
    Response,
    RoutingRule,
    SlaPolicy,
)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "region", "unit", "is_active")
    list_filter = ("category", "is_active")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("category", "accept_days", "respond_days")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TransitionInline(ReadOnlyInline):
    model = DemandTransition


class ResponseInline(ReadOnlyInline):
    model = Response


class ConversionInline(ReadOnlyInline):
    model = Conversion


class FollowUpInline(ReadOnlyInline):
    model = FollowUp


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
    """Read-only in the admin: the life cycle changes only through the services (audited)."""

    list_display = ("id", "title", "organisation", "category", "state", "unit", "respond_due")
    list_filter = ("category", "state", "channel")
    search_fields = ("title", "text", "organisation__name")
    inlines = [TransitionInline, ResponseInline, ConversionInline, FollowUpInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("day", "demand", "recipient", "unit", "is_read")
    list_filter = ("day", "is_read")
