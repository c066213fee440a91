"""Forms of the workspace: they turn typed input into the arguments of services and selectors."""

import re
import zoneinfo
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import UserCreationForm, UsernameField
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.selectors import email_in_use
from apps.recommendations.models import Recommendation
from apps.reviews.models import Cycle, Review, Session, Stakeholder, Statement
from apps.states.models import MemberState
from apps.states.selectors import state_by_name
from apps.vocabulary.models import Theme
from apps.web.labels import review_year_session, session_year_session
from apps.web.selectors import review_choice_list, states_under_review_list, theme_list_for_review

# The speaker field offers "State name" for states and "Name (ACRONYM)" for stakeholders (as str() prints them).
SPEAKER_HELP = "Type a few letters of a state or a stakeholder (UN agency, NGO, NHRI) and pick from the list."
PARAGRAPHS_HELP = "Paragraph numbers as in the report, separated by commas or spaces, e.g. 186.242, 186.243."


class ReviewChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Review) -> str:
        date = obj.dialogue_date.isoformat() if obj.dialogue_date else _("date not set")
        return f"{obj.state_under_review.name} — {review_year_session(obj)} ({date})"


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Theme) -> str:
        return str(obj)


def speaker_resolve(value: str) -> MemberState | Stakeholder | None:
    """The state or stakeholder a typed name designates: exact names first, then ISO codes and aliases."""
    value = " ".join(value.split())
    if not value:
        return None
    state = MemberState.objects.filter(name__iexact=value).first()
    if state:
        return state
    stakeholders = [s for s in Stakeholder.objects.filter(Q(name__iexact=value) | Q(acronym__iexact=value))]
    if not stakeholders:
        stakeholders = [s for s in Stakeholder.objects.all() if str(s).casefold() == value.casefold()]
    if len(stakeholders) == 1:
        return stakeholders[0]
    return state_by_name(name=value.upper() if len(value) == 3 else value)


class StatementForm(forms.Form):
    """One statement as an editor types it during the webcast."""

    review = ReviewChoiceField(queryset=Review.objects.none(), empty_label=None)
    forum = forms.ChoiceField(choices=Statement.Forum.choices, initial=Statement.Forum.WORKING_GROUP)
    speaker = forms.CharField(
        max_length=250,
        help_text=SPEAKER_HELP,
        widget=forms.TextInput(attrs={"list": "speaker-options", "autocomplete": "off", "autofocus": True}),
    )
    speaking_order = forms.IntegerField(
        min_value=1, max_value=999, required=False, help_text="Filled in with the next free place; change it if needed."
    )
    seconds_used = forms.IntegerField(
        min_value=0, max_value=3600, required=False, label="Seconds used", help_text="e.g. 45"
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False, help_text="What was said.")
    language = forms.CharField(
        max_length=10, initial="en", help_text="Language of the original, a code such as en, fr, es, zh."
    )
    source_url = forms.URLField(
        max_length=500,
        required=False,
        label="Source link",
        assume_scheme="https",
        help_text="UN Web TV link with the timestamp of the statement.",
    )
    themes = ThemeChoiceField(
        queryset=Theme.objects.order_by("-scheme", "code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    recommendation_paragraphs = forms.CharField(
        max_length=500,
        required=False,
        label="Recommendations delivered",
        help_text=PARAGRAPHS_HELP,
    )

    def __init__(self, *args: Any, statement: Statement | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.statement = statement
        cast(forms.ModelChoiceField, self.fields["review"]).queryset = review_choice_list()

    def clean_speaker(self) -> MemberState | Stakeholder:
        value = self.cleaned_data["speaker"]
        speaker = speaker_resolve(value)
        if speaker is None:
            raise forms.ValidationError(
                f"No state or stakeholder is called “{value}”. Type a few letters and pick a name from the list.",
                code="unknown_speaker",
            )
        return speaker

    def clean_language(self) -> str:
        value = self.cleaned_data["language"].strip()
        if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
            raise forms.ValidationError("Use a language code such as en, fr, es, zh or pt-BR.", code="language")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        review = cleaned.get("review")
        if review is None:
            return cleaned
        paragraphs = [p for p in re.split(r"[\s,;]+", cleaned.get("recommendation_paragraphs", "")) if p]
        found = {r.paragraph: r for r in Recommendation.objects.filter(review=review, paragraph__in=paragraphs)}
        missing = [p for p in paragraphs if p not in found]
        if missing:
            self.add_error(
                "recommendation_paragraphs",
                f"Not a paragraph of this review's recommendations: {', '.join(missing)}.",
            )
        cleaned["recommendations"] = list(found.values())
        order = cleaned.get("speaking_order")
        forum = cleaned.get("forum")
        if order is not None and forum:
            others = Statement.objects.filter(review=review, forum=forum, speaking_order=order)
            if self.statement is not None:
                others = others.exclude(pk=self.statement.pk)
            taken = others.select_related("speaker_state", "speaker_stakeholder").first()
            if taken:
                speaker = taken.speaker_state or taken.speaker_stakeholder
                self.add_error(
                    "speaking_order",
                    f"Place {order} is already taken by {speaker} in this review. Choose another number.",
                )
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned data as keyword arguments of statement_log / statement_update."""
        data = self.cleaned_data
        speaker = data["speaker"]
        return {
            "review": data["review"],
            "speaker_state": speaker if isinstance(speaker, MemberState) else None,
            "speaker_stakeholder": speaker if isinstance(speaker, Stakeholder) else None,
            "forum": data["forum"],
            "speaking_order": data.get("speaking_order"),
            "seconds_used": data.get("seconds_used"),
            "text": data.get("text", ""),
            "language": data["language"],
            "source_url": data.get("source_url", ""),
        }

    @staticmethod
    def initial_for(statement: Statement) -> dict[str, Any]:
        return {
            "review": statement.review_id,
            "forum": statement.forum,
            "speaker": str(statement.speaker_state or statement.speaker_stakeholder),
            "speaking_order": statement.speaking_order,
            "seconds_used": statement.seconds_used,
            "text": statement.text,
            "language": statement.language,
            "source_url": statement.source_url,
            "themes": list(statement.themes.all()),
            "recommendation_paragraphs": ", ".join(r.paragraph for r in statement.recommendations.all() if r.paragraph),
        }


# Service errors are keyed by model field; these are the form fields that show them.
SERVICE_ERROR_FIELDS = {
    "speaker": "speaker",
    "speaker_state": "speaker",
    "speaker_stakeholder": "speaker",
    "recommendations": "recommendation_paragraphs",
    "review": "review",
    "forum": "forum",
    "speaking_order": "speaking_order",
    "text": "text",
    "language": "language",
    "seconds_used": "seconds_used",
    "source_url": "source_url",
}


class WhoRaisedItForm(forms.Form):
    state = forms.ModelChoiceField(
        queryset=MemberState.objects.none(),
        to_field_name="iso3",
        label="State under review",
        empty_label=None,
    )
    theme = forms.ModelChoiceField(queryset=Theme.objects.order_by("-scheme", "code"), empty_label=None)
    show = forms.ChoiceField(
        label="States shown",
        required=False,
        choices=[
            ("", "Every state that recommended or spoke"),
            ("raised", "States that raised the theme at least once"),
            ("never", "States that never raised it"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["state"]).queryset = states_under_review_list()


class ReviewThemeForm(forms.Form):
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(), required=False, empty_label="All themes", label="Show recommendations on"
    )

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["theme"]).queryset = theme_list_for_review(review=review)


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.Form):
    timezone = forms.ChoiceField(
        label="Your time zone",
        choices=timezone_choices,
        help_text="Deadlines are shown in Geneva time and in this time zone.",
    )


class SignUpForm(UserCreationForm):
    """Validates the sign-up; `apps.accounts.services.user_signup` creates the account (not `save()`)."""

    email = forms.EmailField(
        required=True,
        help_text=_("For password resets and deadline reminders. We send a link to confirm it."),
    )

    class Meta:
        model = User
        fields = ("username", "email")
        field_classes = {"username": UsernameField}

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if email_in_use(email=email):
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email


ANY = ("", "Any")


class ExplorerForm(forms.Form):
    """The API's recommendation filters, with the same parameter names, so the CSV link repeats the query."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search the text",
        help_text='Words, a "quoted phrase", -excluded word, or "or".',
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    state_under_review = forms.ChoiceField(required=False, label="State under review")
    recommending_state = forms.ChoiceField(required=False, label="Recommending state")
    review = forms.ChoiceField(required=False, label=_("Review"))
    cycle = forms.ChoiceField(required=False)
    session = forms.ChoiceField(required=False, label="Working Group session")
    response = forms.ChoiceField(required=False, choices=[ANY, *Recommendation.Response.choices])
    theme = forms.ChoiceField(required=False)
    action_category = forms.ChoiceField(
        required=False,
        label="UPR Info action category",
        choices=[
            ANY,
            *[
                (str(n), f"{n}{' (minimal action)' if n == 1 else ' (specific action)' if n == 5 else ''}")
                for n in range(1, 6)
            ],
        ],
    )
    verbatim = forms.ChoiceField(
        required=False,
        label="Text",
        choices=[ANY, ("true", "Verbatim UN text only"), ("false", "Reported paraphrases only")],
    )
    ordering = forms.ChoiceField(
        required=False,
        label="Order",
        choices=[
            ("", "Best match (with a search), else by review"),
            ("-session", "Newest session first"),
            ("session", "Oldest session first"),
            ("paragraph", "Paragraph"),
            ("response", "Response"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        states = list(MemberState.objects.order_by("name").values_list("iso3", "name"))
        under_review = states_under_review_list().values_list("iso3", "name")
        cast(forms.ChoiceField, self.fields["state_under_review"]).choices = [ANY, *under_review]
        cast(forms.ChoiceField, self.fields["recommending_state"]).choices = [ANY, *states]
        cast(forms.ChoiceField, self.fields["cycle"]).choices = [
            ANY,
            *[(str(c.number), str(c)) for c in Cycle.objects.order_by("number")],
        ]
        self.review_labels = {
            str(review.pk): f"{review.state_under_review.name}, {review_year_session(review)}"
            for review in review_choice_list().order_by("state_under_review__name", "session__number")
        }
        cast(forms.ChoiceField, self.fields["review"]).choices = [ANY, *self.review_labels.items()]
        cast(forms.ChoiceField, self.fields["session"]).choices = [
            ANY,
            *[(str(session.number), session_year_session(session)) for session in Session.objects.order_by("number")],
        ]
        cast(forms.ChoiceField, self.fields["theme"]).choices = [
            ANY,
            *[(t.code, str(t)) for t in Theme.objects.order_by("-scheme", "code")],
        ]

    def chosen_review_label(self) -> str:
        """ "China, 2018 · session 31" when the list is narrowed to one review (the page's title says so)."""
        chosen = self.cleaned_data.get("review", "") if self.is_bound and self.is_valid() else ""
        return self.review_labels.get(chosen, "")

    def api_query(self) -> dict[str, str]:
        """The filters as the API's query parameters (empty ones left out)."""
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}
