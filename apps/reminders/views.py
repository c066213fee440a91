"""Browser pages for one's own subscriptions, the one-click unsubscribe, and the calendar feeds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from apps.accounts.selectors import email_is_confirmed
from apps.reminders import selectors, services
from apps.reminders.forms import SubscriptionForm
from apps.reminders.ics import deadline_calendar
from apps.reminders.models import Subscription
from apps.reminders.tokens import unsubscribe_token_read
from apps.reviews.models import Review
from apps.states.models import MemberState


def _reader_timezone(request: HttpRequest) -> str:
    profile = getattr(request.user, "web_profile", None)
    return getattr(profile, "timezone", None) or "Europe/Zurich"


def _own_or_404(request: HttpRequest, pk: int) -> Subscription:
    subscription = selectors.subscription_get_for_user(user=request.user, pk=pk)
    if subscription is None:
        raise Http404("No such subscription.")
    return subscription


def _apply_errors(form: SubscriptionForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):  # e.g. an identical subscription exists: shown above the form
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@login_required
def subscription_list(request: HttpRequest) -> HttpResponse:
    subscriptions = selectors.subscription_list_for_user(user=request.user)
    context = {"subscriptions": subscriptions, "email_confirmed": email_is_confirmed(user=request.user)}
    return render(request, "reminders/subscription_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def subscription_create(request: HttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST or None, initial={"timezone": _reader_timezone(request)})
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            services.subscription_create(
                user=request.user,  # type: ignore[arg-type]
                review=data["review"],
                state_under_review=data["state_under_review"],
                kinds=data["kinds"],
                lead_days=data["lead_days"],
                timezone_name=data["timezone"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Subscribed: reminders will be e-mailed before each deadline.")
            return redirect("reminders:subscription_list")
    return render(request, "reminders/subscription_form.html", {"form": form, "creating": True}, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def subscription_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _own_or_404(request, pk)
    initial = {
        "target": SubscriptionForm.TARGET_REVIEW if subscription.review_id else SubscriptionForm.TARGET_STATE,
        "review": subscription.review_id,
        "state_under_review": subscription.state_under_review.iso3 if subscription.state_under_review else None,
        "kinds": subscription.kinds,
        "lead_days": ", ".join(str(d) for d in subscription.lead_days),
        "timezone": subscription.timezone,
        "is_active": subscription.is_active,
    }
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(subscription=subscription, data=form.service_data())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Subscription saved.")
            return redirect("reminders:subscription_list")
    context = {"form": form, "creating": False, "subscription": subscription}
    return render(request, "reminders/subscription_form.html", context, status=_status(form))


def _status(form: SubscriptionForm) -> int:
    return 400 if form.is_bound and form.errors else 200


@login_required
@require_http_methods(["GET", "POST"])
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _own_or_404(request, pk)
    if request.method == "POST":
        services.subscription_delete(subscription=subscription)
        messages.success(request, "Subscription deleted.")
        return redirect("reminders:subscription_list")
    return render(request, "reminders/subscription_confirm_delete.html", {"subscription": subscription})


# The token is the credential: mail clients POST here without a session or a CSRF token (RFC 8058).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscription_id = unsubscribe_token_read(token=token)
    subscription = Subscription.objects.filter(pk=subscription_id).first() if subscription_id else None
    if subscription is None:
        return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        # GET only asks: link scanners of mail providers fetch links and must not unsubscribe anyone.
        subscription = services.subscription_unsubscribe(subscription_id=subscription.pk)
        return render(request, "reminders/unsubscribe.html", {"done": True, "subscription": subscription})
    return render(request, "reminders/unsubscribe.html", {"subscription": subscription, "token": token})


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=900"
    return response


@require_http_methods(["GET", "HEAD"])
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """Every deadline; ?state=CHN keeps one state's reviews."""
    state = request.GET.get("state", "").strip().upper() or None
    if state and not MemberState.objects.filter(iso3=state).exists():
        # A typo must not look like a state without deadlines to the calendar application.
        return HttpResponseBadRequest(
            f"Unknown state {state[:40]!r}: give an ISO 3166 alpha-3 code such as CHN.", content_type="text/plain"
        )
    deadlines = selectors.deadline_calendar_list(state_iso3=state)
    name = f"UPR deadlines ({state.upper()})" if state else "UPR deadlines"
    return _ics_response(deadline_calendar(deadlines=deadlines, name=name), "upr-deadlines.ics")


@require_http_methods(["GET", "HEAD"])
def review_calendar_feed(request: HttpRequest, review_id: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.select_related("state_under_review", "session"), pk=review_id)
    deadlines = selectors.deadline_calendar_list(review_id=review.pk)
    name = f"UPR: {review.state_under_review.name}, session {review.session.number}"
    return _ics_response(deadline_calendar(deadlines=deadlines, name=name), f"upr-review-{review.pk}.ics")
