from django.contrib import admin

from .models import OrganisationFact, Policy, PolicyVersion, ScreeningRun


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "category", "delivery", "status")
    list_filter = ("status", "delivery", "category")
    search_fields = ("code", "title")
    # Status changes go through the audited workflow on the policy page, not the admin.
    readonly_fields = ("status", "current_version")


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("policy", "number", "effective_from", "effective_to", "created_at")
    readonly_fields = ("policy", "number", "yaml_text", "content_hash", "summary")


@admin.register(OrganisationFact)
class OrganisationFactAdmin(admin.ModelAdmin):
    list_display = ("organisation", "field", "value", "as_of", "source")
    list_filter = ("field",)
    raw_id_fields = ("organisation",)


@admin.register(ScreeningRun)
class ScreeningRunAdmin(admin.ModelAdmin):
    list_display = ("pk", "as_of", "created_by", "status", "enterprises", "total_amount")
    readonly_fields = tuple(f.name for f in ScreeningRun._meta.fields)
