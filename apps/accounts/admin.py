"""Users in the admin: addresses staff set count as confirmed, passwords set here revoke API tokens,
and staff can lift a login lockout ("Unlock log-in"; or Axes → Access attempts → delete)."""

from typing import Any

import django.contrib.auth.admin  # noqa: F401  (registers User, replaced below)
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts import services
from apps.accounts.forms import ServiceAdminPasswordChangeForm, UniqueEmailUserChangeForm
from apps.accounts.models import ConfirmedEmail
from apps.accounts.selectors import email_is_confirmed

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AccountUserAdmin(UserAdmin):
    form = UniqueEmailUserChangeForm
    change_password_form = ServiceAdminPasswordChangeForm
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "email_confirmed"]
    list_select_related = ["confirmed_email"]
    actions = ["unlock_login", "mark_email_confirmed"]

    @admin.display(boolean=True, description=_("e-mail confirmed"))
    def email_confirmed(self, user: Any) -> bool:
        return email_is_confirmed(user=user)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "email" in form.changed_data:
            # Staff typed this address themselves: it is confirmed (they vouch for it).
            services.email_mark_confirmed(user=obj)

    @admin.action(description=_("Unlock log-in (clear failed attempts)"))
    def unlock_login(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        cleared = sum(services.login_lockout_reset(username=user.get_username()) for user in queryset)
        self.message_user(
            request,
            ngettext("%(count)d failed-attempt record cleared.", "%(count)d failed-attempt records cleared.", cleared)
            % {"count": cleared},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark their current e-mail addresses confirmed"))
    def mark_email_confirmed(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = 0
        for user in queryset.exclude(email=""):
            services.email_mark_confirmed(user=user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d address marked confirmed.", "%(count)d addresses marked confirmed.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(ConfirmedEmail)
class ConfirmedEmailAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "method", "confirmed_at"]
    list_filter = ["method"]
    list_select_related = ["user"]
    search_fields = ["user__username", "email"]
    readonly_fields = ["user", "email", "method", "confirmed_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
