from django.contrib import admin

from .models import Article, ConfirmedName, ExtractedFact, LeadSuggestion


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "source_name", "published_on", "status", "owner_unit", "created_at")
    list_filter = ("status",)
    search_fields = ("title", "source_name", "file_name")
    raw_id_fields = ("duplicate_of", "uploaded_by")
    exclude = ("raw_content",)


@admin.register(ExtractedFact)
class ExtractedFactAdmin(admin.ModelAdmin):
    list_display = ("label", "kind", "status", "article", "organisation", "link_method")
    list_filter = ("kind", "status", "link_method")
    raw_id_fields = ("article", "organisation", "reviewed_by")


@admin.register(ConfirmedName)
class ConfirmedNameAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organisation", "created_at")
    search_fields = ("name",)
    raw_id_fields = ("organisation", "source_fact", "created_by")


@admin.register(LeadSuggestion)
class LeadSuggestionAdmin(admin.ModelAdmin):
    list_display = ("title", "rule", "status", "article", "project")
    list_filter = ("rule", "status")
    raw_id_fields = ("article", "fact", "organisation", "project", "decided_by")
