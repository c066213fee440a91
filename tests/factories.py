"""factory_boy factories for test data (reference data comes from fixtures/, loaded once per run)."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.accounts.models import ConfirmedEmail
from apps.recommendations.fingerprint import recommendation_fingerprint
from apps.recommendations.models import Recommendation
from apps.reminders.models import Subscription
from apps.reviews.models import Cycle, Deadline, Review, Session, Stakeholder, Statement
from apps.states.models import MemberState
from apps.vocabulary.models import Theme


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def email_confirmed(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        """Confirmed by default, as most tests' readers are; UserFactory(email_confirmed=False) for one who is not."""
        if create and obj.email and extracted is not False:
            ConfirmedEmail.objects.update_or_create(
                user=obj,
                defaults={"email": obj.email, "method": ConfirmedEmail.Method.LINK, "confirmed_at": timezone.now()},
            )


class MemberStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberState

    # ISO 3166 reserves X.. codes for user assignment: no real state has one.
    iso3 = factory.Sequence(lambda n: "X" + chr(65 + (n // 26) % 26) + chr(65 + n % 26))
    name = factory.Sequence(lambda n: f"Testland {n}")
    regional_group = MemberState.RegionalGroup.WESTERN_EUROPEAN_OTHERS


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle
        django_get_or_create = ("number",)

    number = 9
    start_year = 2040


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    number = factory.Sequence(lambda n: 900 + n)
    cycle = factory.SubFactory(CycleFactory)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    state_under_review = factory.SubFactory(MemberStateFactory)
    session = factory.SubFactory(SessionFactory)
    status = Review.Status.SCHEDULED


class DeadlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deadline

    review = factory.SubFactory(ReviewFactory)
    kind = Deadline.Kind.STAKEHOLDER_SUBMISSION
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    name = factory.Sequence(lambda n: f"Test Organisation {n}")
    kind = Stakeholder.Kind.NGO


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    scheme = Theme.Scheme.PROJECT
    code = factory.Sequence(lambda n: f"test-theme-{n}")
    name = factory.Sequence(lambda n: f"Test theme {n}")


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation
        skip_postgeneration_save = True

    review = factory.SubFactory(ReviewFactory)
    paragraph = factory.Sequence(lambda n: f"99.{n}")
    text = factory.Sequence(lambda n: f"Test recommendation number {n}")
    fingerprint = factory.LazyAttribute(lambda r: recommendation_fingerprint(r.text))
    response = Recommendation.Response.SUPPORTED

    @factory.post_generation
    def recommending_states(self, create: bool, extracted: list[MemberState] | None, **kwargs: object) -> None:
        if create and extracted:
            self.recommending_states.set(extracted)


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    review = factory.SubFactory(ReviewFactory)
    speaker_state = factory.SubFactory(MemberStateFactory)
    speaking_order = factory.Sequence(lambda n: n + 1)
    text = "We recommend that the State under review respect the principle of non-refoulement."


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    user = factory.SubFactory(UserFactory)
    review = factory.SubFactory(ReviewFactory)
