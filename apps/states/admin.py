"""Member states and their aliases in the admin; every write goes through apps/states/services.py."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.common.admin import ServiceInline, ServiceModelAdmin
from apps.states import services
from apps.states.models import MemberState, StateAlias


class StateAliasInline(ServiceInline, admin.TabularInline):
    model = StateAlias
    extra = 1
    fields = ["name", "normalized"]
    readonly_fields = ["normalized"]

    def service_create(self, request: HttpRequest, parent: Any, data: dict[str, Any]) -> StateAlias:
        return services.state_alias_create(state=parent, **data)

    def service_update(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> StateAlias:
        return services.state_alias_update(alias=obj, data=data)

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        services.state_alias_delete(alias=obj)


@admin.register(MemberState)
class MemberStateAdmin(ServiceModelAdmin):
    list_display = ["name", "iso3", "iso2", "regional_group", "is_observer"]
    list_filter = ["regional_group", "is_observer"]
    search_fields = ["name", "formal_name", "common_name", "iso3", "iso2", "aliases__name"]
    inlines = [StateAliasInline]

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> MemberState:
        return services.member_state_create(**data)

    def service_update(self, request: HttpRequest, obj: MemberState, data: dict[str, Any]) -> MemberState:
        return services.member_state_update(state=obj, data=data)

    def service_delete(self, request: HttpRequest, obj: MemberState) -> None:
        services.member_state_delete(state=obj)


@admin.register(StateAlias)
class StateAliasAdmin(ServiceModelAdmin):
    list_display = ["name", "state", "normalized"]
    search_fields = ["name", "normalized", "state__name", "state__iso3"]
    autocomplete_fields = ["state"]
    list_select_related = ["state"]
    readonly_fields = ["normalized"]

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> StateAlias:
        return services.state_alias_create(**data)

    def service_update(self, request: HttpRequest, obj: StateAlias, data: dict[str, Any]) -> StateAlias:
        return services.state_alias_update(alias=obj, data=data)

    def service_delete(self, request: HttpRequest, obj: StateAlias) -> None:
        services.state_alias_delete(alias=obj)
