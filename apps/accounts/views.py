"""Account pages: confirm an e-mail address, change it, and Django's password views with our limits."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import services
from apps.accounts.forms import EmailChangeForm, ServicePasswordChangeForm, ServiceSetPasswordForm
from apps.accounts.selectors import email_is_confirmed
from apps.accounts.tokens import email_confirmation_token_read
from apps.common.client_ip import client_ip
from apps.common.throttling import RateLimited, rate_limit_hit


def _link_sent_message(request: HttpRequest, email: str, sent: bool) -> None:
    if sent:
        messages.success(
            request, _("We sent a confirmation link to %(email)s: open it to receive reminders.") % {"email": email}
        )
    else:
        messages.warning(
            request,
            _("We could not send the confirmation link just now. Ask for it again from your profile in a while."),
        )


# Link scanners of mail providers open links: GET only shows the address, the button confirms it.
@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    claim = email_confirmation_token_read(token=token)
    if request.method == "POST" and claim is not None:
        try:
            services.email_confirm(token=token)
        except ValidationError as refused:
            return render(request, "accounts/email_confirm.html", {"error": " ".join(refused.messages)}, status=400)
        messages.success(request, _("Your address %(email)s is confirmed.") % {"email": claim.email})
        return redirect("web:profile" if request.user.is_authenticated else "login")
    if claim is None:
        error = _("This confirmation link is invalid or has expired. Ask for a new one.")
        return render(request, "accounts/email_confirm.html", {"error": error}, status=400)
    return render(request, "accounts/email_confirm.html", {"claim": claim, "token": token})


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = EmailChangeForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            email = services.email_normalise(form.cleaned_data["email"])
            try:
                sent = services.email_change_request(user=user, email=email, site_url=settings.SITE_URL)
            except ValidationError as error:
                form.add_error("email", error.message_dict.get("email", error.messages))
            except RateLimited as limited:
                form.add_error("email", str(limited))
                status = 429
            else:
                _link_sent_message(request, email, sent)
                return redirect("web:profile")
    context = {"form": form, "confirmed": email_is_confirmed(user=user)}
    return render(request, "accounts/email_change.html", context, status=status)


@login_required
@require_POST
def email_resend(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.email:
        messages.error(request, _("Your account has no e-mail address: add one first."))
        return redirect("accounts:email_change")
    if email_is_confirmed(user=user):
        messages.info(request, _("Your address is already confirmed."))
        return redirect("web:profile")
    try:
        sent = services.email_confirmation_send(user=user, email=user.email, site_url=settings.SITE_URL)
    except RateLimited as limited:
        messages.error(request, str(limited))
        return redirect("web:profile")
    _link_sent_message(request, user.email, sent)
    return redirect("web:profile")


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, at most PASSWORD_RESET_RATE_CLIENT per client and PASSWORD_RESET_RATE_EMAIL
    per address (counted whether or not an account has it, so the answer reveals nothing)."""

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"].strip().casefold()
        if rate_limit_hit(
            scope="password-reset-client", key=client_ip(self.request), rate=settings.PASSWORD_RESET_RATE_CLIENT
        ) or rate_limit_hit(scope="password-reset-email", key=email, rate=settings.PASSWORD_RESET_RATE_EMAIL):
            form.add_error(
                None,
                _("Too many password reset requests from your network or for this address. Try again in an hour."),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class ServicePasswordChangeView(auth_views.PasswordChangeView):
    form_class = ServicePasswordChangeForm


class ServicePasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ServiceSetPasswordForm
