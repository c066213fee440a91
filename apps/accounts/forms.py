"""Account forms. The password forms are Django's, saving through `user_password_set` (tokens revoked)."""

from typing import Any

from django import forms
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    PasswordChangeForm,
    SetPasswordForm,
    UserChangeForm,
)
from django.utils.translation import gettext_lazy as _

from apps.accounts.selectors import email_in_use
from apps.accounts.services import user_password_set


class ServicePasswordChangeForm(PasswordChangeForm):
    """/accounts/password_change/."""

    def save(self, commit: bool = True) -> Any:
        user_password_set(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class ServiceSetPasswordForm(SetPasswordForm):
    """/accounts/reset/<uidb64>/<token>/ (the password reset link)."""

    def save(self, commit: bool = True) -> Any:
        user_password_set(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class ServiceAdminPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's "Set password" page for a user (also "no usable password")."""

    def save(self, commit: bool = True) -> Any:
        usable = self.cleaned_data.get("set_usable_password", True)
        user_password_set(user=self.user, password=self.cleaned_data["password1"] if usable else None)
        return self.user


class UniqueEmailUserChangeForm(UserChangeForm):
    """The admin's user form: an address another account has is refused by the field, not by a 500."""

    def clean_email(self) -> str:
        email: str = self.cleaned_data.get("email", "").strip()
        if email and email_in_use(email=email, exclude_user_id=self.instance.pk):
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("New e-mail address"),
        help_text=_("We send a link to it; your address changes when you open the link."),
    )
    current_password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self) -> str:
        password: str = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your current password."))
        return password
