from django.contrib import admin

from .models import (
    AgendaSession,
    Event,
    EventSigning,
    ExhibitedProduct,
    InvestorFeedback,
    Registration,
    RoadshowSlot,
)


class AgendaInline(admin.TabularInline):
    model = AgendaSession
    extra = 0


class ProductInline(admin.TabularInline):
    model = ExhibitedProduct
    extra = 0
    raw_id_fields = ["organisation"]


class RoadshowInline(admin.TabularInline):
    model = RoadshowSlot
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "city", "starts_on", "owner_unit"]
    list_filter = ["kind"]
    search_fields = ["title", "city"]
    raw_id_fields = ["hosts", "co_hosts", "owner_unit", "region"]
    inlines = [AgendaInline, ProductInline, RoadshowInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["organisation_name", "event", "status", "checked_in_at"]
    search_fields = ["organisation_name", "uscc"]
    raw_id_fields = ["event", "organisation", "invitation"]


@admin.register(InvestorFeedback)
class InvestorFeedbackAdmin(admin.ModelAdmin):
    list_display = ["roadshow", "investor", "interest"]
    raw_id_fields = ["roadshow", "investor"]


@admin.register(EventSigning)
class EventSigningAdmin(admin.ModelAdmin):
    list_display = ["event", "project", "amount", "currency"]
    raw_id_fields = ["event", "project", "signing"]
