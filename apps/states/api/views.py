from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.serializers import BaseSerializer

from apps.common.api_filters import StrictFilterBackend
from apps.states.api.filters import MemberStateFilter
from apps.states.api.serializers import MemberStateSerializer
from apps.states.models import MemberState
from apps.states.selectors import state_list
from apps.states.services import member_state_create, member_state_delete, member_state_update


@extend_schema(tags=["member-states"])
class MemberStateViewSet(viewsets.ModelViewSet):
    """UN member states and the observer states that take part in the UPR, looked up by ISO3 code."""

    serializer_class = MemberStateSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = MemberStateFilter
    lookup_field = "iso3"
    lookup_value_regex = "[A-Za-z]{3}"

    def get_queryset(self) -> QuerySet[MemberState]:
        return state_list()

    def get_object(self) -> MemberState:
        # ISO3 codes are stored upper-case; /member-states/chn/ finds China too.
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()

    def perform_create(self, serializer: BaseSerializer[MemberState]) -> None:
        serializer.instance = member_state_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[MemberState]) -> None:
        assert serializer.instance is not None
        serializer.instance = member_state_update(state=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance: MemberState) -> None:
        member_state_delete(state=instance)
