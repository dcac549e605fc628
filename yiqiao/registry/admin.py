from typing import Any

from django.contrib import admin

from .models import ChainNode, Contact, InvestorProfile, Organisation, Region, Service, Space


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent"]
    search_fields = ["name", "code"]
    list_filter = ["kind"]


@admin.register(ChainNode)
class ChainNodeAdmin(admin.ModelAdmin):
    """Read-only here: the tree is edited through the chain app's services, which keep bits,
    masks and links consistent (a delete here would skip the refusal and the merge)."""

    list_display = ["name", "code", "parent", "chain_position", "level", "position"]
    list_filter = ["chain_position", "level"]
    search_fields = ["name", "code"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "uscc", "region", "is_high_tech", "is_active"]
    list_filter = ["kind", "is_high_tech", "is_specialised", "is_active"]
    search_fields = ["name", "uscc"]
    raw_id_fields = ["region", "park", "merged_into", "owner_unit"]
    filter_horizontal = ["chain_nodes"]
    inlines = [ContactInline]
    show_full_result_count = False


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "park", "available_area_m2", "is_available"]
    list_filter = ["kind", "is_available"]
    search_fields = ["name", "address"]
    raw_id_fields = ["owner", "park", "owner_unit"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "provider", "lead_time_days"]
    list_filter = ["category"]
    raw_id_fields = ["provider"]


@admin.register(InvestorProfile)
class InvestorProfileAdmin(admin.ModelAdmin):
    list_display = ["organisation", "ticket_min_yuan", "ticket_max_yuan"]
    raw_id_fields = ["organisation"]
