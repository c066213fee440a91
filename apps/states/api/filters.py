import django_filters

from apps.common.api_filters import StrictBooleanFilter
from apps.states.models import MemberState


class MemberStateFilter(django_filters.FilterSet):
    regional_group = django_filters.ChoiceFilter(choices=MemberState.RegionalGroup.choices)
    is_observer = StrictBooleanFilter(field_name="is_observer")
    ordering = django_filters.OrderingFilter(fields=(("name", "name"), ("iso3", "iso3")))

    class Meta:
        model = MemberState
        fields: list[str] = []
