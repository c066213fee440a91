"""The advocates' pages. Glue only: validate with a form, call a selector or a service, render."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.selectors import email_is_confirmed
from apps.accounts.services import user_signup
from apps.common import api as common_api
from apps.common.client_ip import client_ip
from apps.common.keyset import InvalidCursor, cursor_after, keyset_page, ordered
from apps.common.throttling import RateLimited, rate_limit_hit
from apps.recommendations.selectors import recommendation_list
from apps.reminders.selectors import subscription_list_for_user
from apps.reviews import selectors as review_selectors
from apps.reviews.models import Review, Statement
from apps.reviews.services import statement_delete, statement_log, statement_next_speaking_order, statement_update
from apps.web import selectors
from apps.web.forms import (
    SERVICE_ERROR_FIELDS,
    ExplorerForm,
    ProfileForm,
    ReviewThemeForm,
    SignUpForm,
    StatementForm,
    WhoRaisedItForm,
)
from apps.web.models import Profile
from apps.web.services import profile_update


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    review = selectors.review_next_for_state()
    return render(
        request,
        "web/dashboard.html",
        {
            "next_review": review,
            "deadlines": selectors.deadline_list_for_review(review=review) if review else [],
            "subscriptions": subscription_list_for_user(user=request.user)[:10],
            "recent_statements": selectors.statement_recent_list(limit=8),
            "recent_recommendations": selectors.recommendation_recent_list(limit=8),
        },
    )


# Up to this many recommendations shown, every state's group is open; past it (China 2018 holds 346) the
# groups are folded behind the jump list, so a reader on a phone finds one state without scrolling the rest.
REVIEW_GROUPS_OPEN_UP_TO = 40


@require_GET
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_detail(review_id=review_id)
    if review is None:
        raise Http404("No review with this number.")
    form = ReviewThemeForm(request.GET or None, review=review)
    theme = form.cleaned_data.get("theme") if form.is_valid() else None
    advance_questions = list(review_selectors.advance_question_list(review=review))
    groups = selectors.recommendations_by_state(review=review, theme=theme)
    shown = len({recommendation.pk for group in groups for recommendation in group.recommendations})
    return render(
        request,
        "web/review_detail.html",
        {
            "review": review,
            "form": form,
            "theme": theme,
            "refugees_theme": selectors.theme_refugees(),
            "deadlines": selectors.deadline_list_for_review(review=review),
            "statements": selectors.statement_list_for_review(review=review),
            "speakers_not_heard": list(review_selectors.speakers_not_heard_list(review=review)),
            "advance_questions": advance_questions,
            "advance_questions_with_text": any(question.text for question in advance_questions),
            "groups": groups,
            "groups_open": shown <= REVIEW_GROUPS_OPEN_UP_TO,
            "can_log": request.user.has_perm("reviews.add_statement"),
            "can_change": request.user.has_perm("reviews.change_statement"),
        },
        # An unknown theme is a bad request: the page says why instead of quietly showing every theme.
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_GET
def who_raised_it(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    refugees = selectors.theme_refugees()
    data.setdefault("state", selectors.DEFAULT_STATE_ISO3)
    if refugees is not None:
        data.setdefault("theme", str(refugees.pk))
    form = WhoRaisedItForm(data)
    table = None
    if form.is_valid():
        table = selectors.who_raised_it(state_under_review=form.cleaned_data["state"], theme=form.cleaned_data["theme"])
        if form.cleaned_data["show"] == "raised":
            table.rows = [row for row in table.rows if row.raised_count]
        elif form.cleaned_data["show"] == "never":
            table.rows = [row for row in table.rows if not row.raised_count]
    status = 200 if form.is_valid() or not request.GET else 400
    return render(request, "web/who_raised_it.html", {"form": form, "table": table}, status=status)


EXPLORER_PAGE_SIZE = 25


@require_GET
def recommendation_explorer(request: HttpRequest) -> HttpResponse:
    """The API's filters as a form, full-text search with highlighted matches, pages, and the same list as CSV.

    Numbered pages while the count is exact; past the count cap (COUNT_CAP matching rows) "Next page" carries a
    cursor instead, so every row is reachable however deep (apps/common/keyset.py).
    """
    form = ExplorerForm(request.GET or None)
    page: Any = None
    rows: list[Any] = []
    next_cursor = None
    csv_url = "/api/v1/recommendations/?format=csv"
    export_query = ""
    status = 200
    cursor = request.GET.get("cursor")
    if not request.GET or form.is_valid():
        query = form.api_query() if request.GET else {}
        try:
            recommendations = ordered(recommendation_list(filters=QueryDict(urlencode(query))))
            if cursor:
                rows, next_cursor = keyset_page(recommendations, cursor, EXPLORER_PAGE_SIZE)
        except ValidationError as error:
            _apply_form_errors(form, error)
            status = 400
        except InvalidCursor as error:
            form.add_error(None, str(error))
            status = 400
        else:
            if not cursor:
                # The API's paginator: a count capped at COUNT_CAP and narrow page queries, so a broad search
                # over a large record neither counts every match nor sorts whole rows.
                page = common_api.CappedPaginator(recommendations, EXPLORER_PAGE_SIZE).get_page(request.GET.get("page"))
                rows = list(page)
                if rows and not page.paginator.count_is_exact and page.has_next():
                    next_cursor = cursor_after(recommendations, rows[-1])
            csv_url = f"/api/v1/recommendations/?{urlencode({**query, 'format': 'csv'})}"
            export_query = urlencode(query)
    else:
        status = 400
    refugees = selectors.theme_refugees()
    base = [(key, value) for key, values in request.GET.lists() if key not in {"page", "cursor"} for value in values]
    return render(
        request,
        "web/recommendation_explorer.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "cursor_mode": bool(cursor) and status == 200,
            "next_url": f"?{urlencode([*base, ('cursor', next_cursor)])}" if next_cursor else None,
            "first_url": f"?{urlencode(base)}",
            "csv_url": csv_url,
            # Past EXPORT_SYNC_MAX_ROWS the CSV is prepared by a worker: a form starts the export job.
            "export_query": export_query,
            "export_in_request": page is not None
            and getattr(page.paginator, "count_is_exact", True)
            and page.paginator.count <= settings.EXPORT_SYNC_MAX_ROWS,
            "refugees_theme": refugees,
            "query_without_page": urlencode(base),
        },
        status=status,
    )


def _apply_form_errors(form: ExplorerForm, error: ValidationError) -> None:
    """The selector's errors (keyed by query parameter) shown on the explorer's fields."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


# -- statements --------------------------------------------------------------------------------------
def _speaker_options() -> dict[str, Any]:
    states, stakeholders = selectors.speaker_choice_list()
    return {"speaker_states": states, "speaker_stakeholders": stakeholders}


def _apply_service_errors(form: StatementForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form field it concerns, keeping the input."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(SERVICE_ERROR_FIELDS.get(name), message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _initial_for_new(request: HttpRequest) -> dict[str, Any]:
    review = None
    review_id = request.GET.get("review", "")
    if review_id.isdigit():
        review = Review.objects.filter(pk=int(review_id)).first()
    review = review or selectors.review_default_for_logging()
    forum = request.GET.get("forum", Statement.Forum.WORKING_GROUP)
    if forum not in Statement.Forum.values:
        forum = Statement.Forum.WORKING_GROUP
    initial: dict[str, Any] = {"forum": forum, "language": request.GET.get("language", "en")[:10] or "en"}
    if review is not None:
        initial["review"] = review.pk
        initial["speaking_order"] = statement_next_speaking_order(review=review, forum=forum)
    return initial


@login_required
@permission_required("reviews.add_statement", raise_exception=True)
@require_http_methods(["GET", "POST"])
def statement_new(request: HttpRequest) -> HttpResponse:
    form = StatementForm(request.POST or None, initial=_initial_for_new(request))
    if request.method == "POST" and form.is_valid():
        try:
            statement = statement_log(
                **form.service_arguments(),
                themes=form.cleaned_data["themes"],
                recommendations=form.cleaned_data["recommendations"],
                by=request.user,
            )
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            speaker = statement.speaker_state or statement.speaker_stakeholder
            order = f"no. {statement.speaking_order} " if statement.speaking_order else ""
            messages.success(request, f"Statement {order}by {speaker} saved.")
            if "save_and_next" in request.POST:
                query = urlencode(
                    {"review": str(statement.review_id), "forum": statement.forum, "language": statement.language}
                )
                return redirect(f"{reverse('web:statement_new')}?{query}")
            return redirect(f"{reverse('web:review_detail', args=[statement.review_id])}#statement-{statement.pk}")
    if request.method == "POST":
        messages.error(request, "The statement was not saved: please correct the fields marked below.")
    return render(
        request,
        "web/statement_form.html",
        {"form": form, "statement": None, **_speaker_options()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required("reviews.change_statement", raise_exception=True)
@require_http_methods(["GET", "POST"])
def statement_edit(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = get_object_or_404(
        Statement.objects.select_related(
            "review__state_under_review", "review__session", "speaker_state", "speaker_stakeholder"
        ),
        pk=statement_id,
    )
    form = StatementForm(request.POST or None, initial=StatementForm.initial_for(statement), statement=statement)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            statement_update(
                statement=statement,
                data=arguments,
                themes=form.cleaned_data["themes"],
                recommendations=form.cleaned_data["recommendations"],
            )
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(request, "Changes saved.")
            return redirect(f"{reverse('web:review_detail', args=[statement.review_id])}#statement-{statement.pk}")
    if request.method == "POST":
        messages.error(request, "The changes were not saved: please correct the fields marked below.")
    history = statement.history.select_related("history_user").order_by("-history_date")[:50]
    return render(
        request,
        "web/statement_form.html",
        {"form": form, "statement": statement, "history": history, **_speaker_options()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required("reviews.delete_statement", raise_exception=True)
@require_http_methods(["GET", "POST"])
def statement_remove(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = get_object_or_404(
        Statement.objects.select_related(
            "review__state_under_review", "review__session", "speaker_state", "speaker_stakeholder"
        ),
        pk=statement_id,
    )
    if request.method == "POST":
        review_id = statement.review_id
        statement_delete(statement=statement)
        messages.success(request, "Statement deleted. Its history is kept.")
        return redirect("web:review_detail", review_id=review_id)
    return render(request, "web/statement_confirm_delete.html", {"statement": statement})


@login_required
@permission_required("reviews.add_statement", raise_exception=True)
@require_GET
def statement_next_order(request: HttpRequest) -> HttpResponse:
    """The speaking-order field refilled for another review (htmx swaps it when the review changes)."""
    review_id = request.GET.get("review", "")
    review = Review.objects.filter(pk=int(review_id)).first() if review_id.isdigit() else None
    forum = request.GET.get("forum", Statement.Forum.WORKING_GROUP)
    if review is None or forum not in Statement.Forum.values:
        return HttpResponse("Unknown review or forum.", status=400, content_type="text/plain")
    form = StatementForm(initial={"speaking_order": statement_next_speaking_order(review=review, forum=forum)})
    return render(request, "web/_field.html", {"field": form["speaking_order"]})


# -- accounts -----------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):  # login_required let only signed-in users through
        raise PermissionDenied
    current = Profile.objects.filter(user=user).values_list("timezone", flat=True).first()
    form = ProfileForm(request.POST or None, initial={"timezone": current or "Europe/Zurich"})
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(user=user, timezone=form.cleaned_data["timezone"])
        except ValidationError as error:
            form.add_error("timezone", error)
        else:
            messages.success(request, "Your time zone is saved.")
            return redirect("web:profile")
    return render(
        request,
        "web/profile.html",
        {
            "form": form,
            "can_log": request.user.has_perm("reviews.add_statement"),
            "email_confirmed": email_is_confirmed(user=user),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    form = SignUpForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        if rate_limit_hit(scope="signup-client", key=client_ip(request), rate=settings.SIGNUP_RATE_CLIENT):
            form.add_error(None, _("Too many accounts created from your network. Try again in an hour."))
            status = 429
        else:
            try:
                user, sent = user_signup(
                    username=form.cleaned_data["username"],
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password1"],
                    site_url=settings.SITE_URL,
                )
            except ValidationError as error:
                _form_errors(form, error)
            except RateLimited as limited:
                form.add_error("email", str(limited))
                status = 429
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, _("Welcome, %(name)s. Your account is ready.") % {"name": user.get_username()}
                )
                if sent:
                    messages.info(
                        request,
                        _("We sent a link to %(email)s: open it to confirm your address before reminders are sent.")
                        % {"email": user.email},
                    )
                else:
                    messages.warning(
                        request,
                        _("We could not send the confirmation link just now. Ask for it again from your profile."),
                    )
                return HttpResponseRedirect(reverse("web:dashboard"))
    return render(request, "registration/signup.html", {"form": form}, status=status)


def _form_errors(form: Any, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)
