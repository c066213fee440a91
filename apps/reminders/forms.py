"""The subscription form of the browser pages: it parses input; the service holds the rules."""

from typing import Any

from django import forms

from apps.common.timezones import is_known_timezone
from apps.reviews.models import Deadline, Review
from apps.states.models import MemberState

DEFAULT_STATE_ISO3 = "CHN"  # the project follows China's reviews first


class SubscriptionForm(forms.Form):
    TARGET_STATE, TARGET_REVIEW = "state", "review"

    target = forms.ChoiceField(
        choices=[(TARGET_STATE, "Every review of a state"), (TARGET_REVIEW, "One review")],
        initial=TARGET_STATE,
        widget=forms.RadioSelect,
    )
    state_under_review = forms.ModelChoiceField(
        queryset=MemberState.objects.order_by("name"), required=False, to_field_name="iso3"
    )
    review = forms.ModelChoiceField(
        queryset=Review.objects.select_related("state_under_review", "session"), required=False
    )
    kinds = forms.MultipleChoiceField(
        choices=Deadline.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked means every kind.",
    )
    lead_days = forms.CharField(initial="30, 7, 1", help_text="Days before each deadline, separated by commas.")
    timezone = forms.CharField(initial="Europe/Zurich", help_text="Your time zone, e.g. Asia/Seoul.")
    is_active = forms.BooleanField(required=False, initial=True, label="Send reminders")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and "state_under_review" not in self.initial:
            self.initial["state_under_review"] = DEFAULT_STATE_ISO3

    def clean_lead_days(self) -> list[int]:
        raw = self.cleaned_data["lead_days"]
        parts = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
        if not parts or not all(p.isdigit() for p in parts):
            raise forms.ValidationError("Give whole numbers of days separated by commas, e.g. 30, 7, 1.")
        return [int(p) for p in parts]

    def clean_timezone(self) -> str:
        name = self.cleaned_data["timezone"].strip()
        if not is_known_timezone(name):
            raise forms.ValidationError(f"Unknown time zone {name!r}; use a name such as Asia/Seoul.")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") == self.TARGET_REVIEW:
            if not data.get("review"):
                self.add_error("review", "Choose a review.")
            data["state_under_review"] = None
        else:
            if not data.get("state_under_review"):
                self.add_error("state_under_review", "Choose a state.")
            data["review"] = None
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "review": data["review"],
            "state_under_review": data["state_under_review"],
            "kinds": list(data["kinds"]),
            "lead_days": data["lead_days"],
            "timezone": data["timezone"],
            "is_active": data["is_active"],
        }
