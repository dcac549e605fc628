from django.contrib import admin

from .models import AuditEvent, ImportJob


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "model", "object_id", "object_repr"]
    list_filter = ["action", "model"]
    search_fields = ["object_id", "object_repr"]

    def has_change_permission(self, request, obj=None):
        return False  # the trail is append-only

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "target", "status", "total_rows", "created_by", "created_at"]
    exclude = ["content"]
