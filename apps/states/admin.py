from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.states.models import MemberState, StateAlias
from apps.states.services import state_alias_normalize


class StateAliasInline(admin.TabularInline):
    model = StateAlias
    extra = 1
    fields = ["name", "normalized"]
    readonly_fields = ["normalized"]


@admin.register(MemberState)
class MemberStateAdmin(admin.ModelAdmin):
    list_display = ["name", "iso3", "iso2", "regional_group", "is_observer"]
    list_filter = ["regional_group", "is_observer"]
    search_fields = ["name", "formal_name", "common_name", "iso3", "iso2", "aliases__name"]
    inlines = [StateAliasInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for alias_form in formset.forms:
            if alias_form.cleaned_data and not alias_form.cleaned_data.get("DELETE"):
                state_alias_normalize(alias=alias_form.instance)
        super().save_formset(request, form, formset, change)


@admin.register(StateAlias)
class StateAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "normalized"]
    search_fields = ["name", "normalized", "state__name", "state__iso3"]
    autocomplete_fields = ["state"]
    list_select_related = ["state"]
    readonly_fields = ["normalized"]

    def save_model(self, request: HttpRequest, obj: StateAlias, form: Any, change: bool) -> None:
        state_alias_normalize(alias=obj)
        super().save_model(request, obj, form, change)
