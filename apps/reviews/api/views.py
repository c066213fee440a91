"""Cycles, sessions, reviews, deadlines, stakeholders and statements.

Reads are public. Writes need the model permission (the editors group) and go through the services in
apps/reviews/services.py, as the admin's and the pages' do.
"""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from apps.common.api_filters import StrictFilterBackend
from apps.reviews.api.serializers import (
    CycleSerializer,
    DeadlineSerializer,
    ReviewSerializer,
    ReviewWriteSerializer,
    SessionSerializer,
    StakeholderSerializer,
    StatementSerializer,
    StatementWriteSerializer,
)
from apps.reviews.filters import (
    CycleFilter,
    DeadlineFilter,
    ReviewFilter,
    SessionFilter,
    StakeholderFilter,
    StatementFilter,
)
from apps.reviews.models import Cycle, Deadline, Review, Session, Stakeholder, Statement
from apps.reviews.selectors import (
    cycle_list,
    deadline_list,
    review_list,
    session_list,
    stakeholder_list,
    statement_base_list,
)
from apps.reviews.services import (
    cycle_create,
    cycle_delete,
    cycle_update,
    deadline_create,
    deadline_delete,
    deadline_update,
    review_create,
    review_delete,
    review_update,
    session_create,
    session_delete,
    session_update,
    stakeholder_create,
    stakeholder_delete,
    stakeholder_update,
    statement_delete,
    statement_log,
    statement_update,
)


@extend_schema(tags=["cycles"])
class CycleViewSet(viewsets.ModelViewSet):
    """UPR cycles: rounds in which every state is reviewed once (about 4.5 years)."""

    serializer_class = CycleSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = CycleFilter

    def get_queryset(self) -> QuerySet[Cycle]:
        return cycle_list()

    def perform_create(self, serializer: BaseSerializer[Cycle]) -> None:
        serializer.instance = cycle_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Cycle]) -> None:
        assert serializer.instance is not None
        serializer.instance = cycle_update(cycle=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance: Cycle) -> None:
        cycle_delete(cycle=instance)


@extend_schema(tags=["sessions"])
class SessionViewSet(viewsets.ModelViewSet):
    """Working Group sessions (numbered from 1), each reviewing 14 states."""

    serializer_class = SessionSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = SessionFilter

    def get_queryset(self) -> QuerySet[Session]:
        return session_list()

    def perform_create(self, serializer: BaseSerializer[Session]) -> None:
        serializer.instance = session_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Session]) -> None:
        assert serializer.instance is not None
        serializer.instance = session_update(session=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance: Session) -> None:
        session_delete(session=instance)


@extend_schema(tags=["stakeholders"])
class StakeholderViewSet(viewsets.ModelViewSet):
    """Speakers that are not states: UN agencies, NGOs, national human-rights institutions."""

    serializer_class = StakeholderSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = StakeholderFilter

    def get_queryset(self) -> QuerySet[Stakeholder]:
        return stakeholder_list()

    def perform_create(self, serializer: BaseSerializer[Stakeholder]) -> None:
        serializer.instance = stakeholder_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Stakeholder]) -> None:
        assert serializer.instance is not None
        serializer.instance = stakeholder_update(stakeholder=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance: Stakeholder) -> None:
        stakeholder_delete(stakeholder=instance)


@extend_schema(tags=["deadlines"])
class DeadlineViewSet(viewsets.ModelViewSet):
    """Dated events of reviews (times in UTC with offset; `due_at_local` in the deadline's own zone)."""

    serializer_class = DeadlineSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = DeadlineFilter

    def get_queryset(self) -> QuerySet[Deadline]:
        return deadline_list()

    def perform_create(self, serializer: BaseSerializer[Deadline]) -> None:
        serializer.instance = deadline_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Deadline]) -> None:
        assert serializer.instance is not None
        serializer.instance = deadline_update(deadline=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance: Deadline) -> None:
        deadline_delete(deadline=instance)


@extend_schema(tags=["reviews"])
class ReviewViewSet(viewsets.ModelViewSet):
    """Reviews: one state under review in one session, with troika, deadlines and counts."""

    serializer_class = ReviewSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = ReviewFilter

    def get_queryset(self) -> QuerySet[Review]:
        return review_list()

    def _respond(self, review: Review, code: int) -> Response:
        return Response(
            ReviewSerializer(review_list().get(pk=review.pk), context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=ReviewWriteSerializer, responses={201: ReviewSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ReviewWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._respond(review_create(**serializer.validated_data), status.HTTP_201_CREATED)

    @extend_schema(request=ReviewWriteSerializer, responses={200: ReviewSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        review = self.get_object()
        serializer = ReviewWriteSerializer(review, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        troika = data.pop("troika", None)
        return self._respond(review_update(review=review, data=data, troika=troika), status.HTTP_200_OK)

    @extend_schema(request=ReviewWriteSerializer, responses={200: ReviewSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance: Review) -> None:
        review_delete(review=instance)


@extend_schema(tags=["statements"])
class StatementViewSet(viewsets.ModelViewSet):
    """What speakers said in interactive dialogues and at the Council's adoption.

    With `q`, results are ordered by relevance unless `ordering` is given.

    The endpoint registered is StatementExportViewSet (apps/recommendations/api/views.py), which adds the
    exports: their machinery lives above this app.
    """

    serializer_class = StatementSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = StatementFilter

    def get_queryset(self) -> QuerySet[Statement]:
        # The selector holds the joins the list needs; the FilterSet (filter_queryset) narrows it.
        # Export renderers reuse exactly this: self.filter_queryset(self.get_queryset()).
        return statement_base_list()

    def _write(self, request: Request, instance: Statement | None, partial: bool) -> Statement:
        serializer = StatementWriteSerializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        themes = data.pop("themes", None)
        recommendations = data.pop("recommendations", None)
        if instance is None:
            return statement_log(**data, themes=themes or [], recommendations=recommendations or [], by=request.user)
        return statement_update(statement=instance, data=data, themes=themes, recommendations=recommendations)

    def _read(self, statement: Statement, code: int) -> Response:
        return Response(self.get_serializer(statement_base_list().get(pk=statement.pk)).data, status=code)

    @extend_schema(request=StatementWriteSerializer, responses={201: StatementSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._read(self._write(request, None, partial=False), status.HTTP_201_CREATED)

    @extend_schema(request=StatementWriteSerializer, responses={200: StatementSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        return self._read(self._write(request, self.get_object(), partial=partial), status.HTTP_200_OK)

    @extend_schema(request=StatementWriteSerializer, responses={200: StatementSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        statement_delete(statement=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
