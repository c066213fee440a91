"""Recommendations and themes: public reads, writes for users with the model permission (editors)."""

from typing import Any

from django.db import connections
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from apps.common.api import page_rows
from apps.common.api_filters import StrictFilterBackend
from apps.common.search import RANK_CANDIDATES, ranked_page_ids
from apps.recommendations.api.exports import ExportMixin
from apps.recommendations.api.serializers import (
    RecommendationSerializer,
    RecommendationWriteSerializer,
    ThemeSerializer,
)
from apps.recommendations.filters import RecommendationFilter, ThemeFilter
from apps.recommendations.models import Recommendation
from apps.recommendations.selectors import recommendation_base_list, recommendation_refs_attach, theme_list
from apps.recommendations.services import (
    recommendation_create,
    recommendation_delete,
    recommendation_update,
    theme_create,
    theme_delete,
    theme_update,
)
from apps.reviews.api.views import StatementViewSet
from apps.vocabulary.models import Theme

# Set on a search response whose order is approximate (a very common term: see page_rows).
SEARCH_RANKING_HEADER = "X-Search-Ranking"


@extend_schema(tags=["recommendations"])
class RecommendationViewSet(ExportMixin, viewsets.ModelViewSet):
    """Recommendations made in Working Group reports, and the responses of the states under review.

    `?format=csv`, `?format=xlsx` or `?format=json` streams the whole filtered list (not one page).

    Filters combine with AND; a repeatable parameter matches any of its values. With `q`, results are
    ordered by relevance unless `ordering` is given; when more than 1,000 rows match, only the newest 1,000
    are ranked and the others follow newest first (the `X-Search-Ranking` header then says so).
    """

    serializer_class = RecommendationSerializer
    export_kind = "recommendations"
    filter_backends = [StrictFilterBackend]
    filterset_class = RecommendationFilter
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Recommendation]:
        # The selector holds the joins the list needs; the FilterSet (filter_queryset) narrows it.
        # Export renderers reuse exactly this: self.filter_queryset(self.get_queryset()).
        return recommendation_base_list()

    def page_rows(self, queryset: QuerySet[Recommendation], bottom: int, top: int, count: int) -> list[Recommendation]:
        """A page's rows (StandardPagination calls this); a very common search term ranks a bounded set.

        Ranking every one of 31,000 matches of "women" costs ~150 ms at 250,000 recommendations: past
        RANK_CANDIDATES matches, the newest RANK_CANDIDATES are ranked and the rest follow newest first
        (every match still listed once). The response then says so in its `X-Search-Ranking` header.
        """
        if (
            "rank" in queryset.query.annotations
            and not self.request.query_params.get("ordering")
            and count > RANK_CANDIDATES
            and connections[queryset.db].vendor == "postgresql"
        ):
            ids = ranked_page_ids(queryset, bottom, top, candidates=RANK_CANDIDATES)
            self.approximate_ranking = True
            by_pk = {row.pk: row for row in queryset.order_by().prefetch_related(None).filter(pk__in=ids)}
            return recommendation_refs_attach([by_pk[pk] for pk in ids if pk in by_pk])
        return recommendation_refs_attach(page_rows(queryset.prefetch_related(None), bottom, top, count))

    def count_rows(self, queryset: QuerySet[Recommendation], limit: int) -> int | None:
        """Up to `limit` rows of a list filtered by theme alone, counted on the link table; else None.

        Counting recommendations `IN` the theme's links joins the whole table (~8 ms for a theme of 45,000 at
        250,000 recommendations); the links' own (theme_id, recommendation_id) index answers alone (~3 ms).
        """
        filterset = getattr(self, "applied_filterset", None)
        if filterset is None:
            return None
        given = {
            name
            for name, value in filterset.form.cleaned_data.items()
            if name != "ordering"
            and value is not None
            and value != ""
            and not (hasattr(value, "__len__") and not len(value))
        }
        if given != {"theme"}:
            return None
        links = Recommendation.themes.through.objects.filter(
            theme__in=[theme.pk for theme in filterset.form.cleaned_data["theme"]]
        )
        return int(links.values("recommendation_id").distinct()[:limit].count())

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "approximate_ranking", False):
            response[SEARCH_RANKING_HEADER] = (
                f"approximate; the newest {RANK_CANDIDATES} matches by relevance, then the others newest first"
            )
        return response

    def _write(self, request: Request, instance: Recommendation | None, partial: bool) -> Recommendation:
        serializer = RecommendationWriteSerializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        states = data.pop("recommending_states", None)
        data.pop("themes", None)
        themes = serializer.service_theme_arguments()
        if instance is None:
            return recommendation_create(
                review=data.pop("review"), text=data.pop("text"), recommending_states=states or [], **themes, **data
            )
        return recommendation_update(recommendation=instance, data=data, recommending_states=states, **themes)

    def _read(self, recommendation: Recommendation, code: int) -> Response:
        fresh = recommendation_base_list().get(pk=recommendation.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(request=RecommendationWriteSerializer, responses={201: RecommendationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._read(self._write(request, None, partial=False), status.HTTP_201_CREATED)

    @extend_schema(request=RecommendationWriteSerializer, responses={200: RecommendationSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        return self._read(self._write(request, self.get_object(), partial=partial), status.HTTP_200_OK)

    @extend_schema(request=RecommendationWriteSerializer, responses={200: RecommendationSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        recommendation_delete(recommendation=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["themes"])
class ThemeViewSet(viewsets.ModelViewSet):
    """The controlled vocabulary of themes (OHCHR/UHRI codes, UPR Info issues, the project's own)."""

    serializer_class = ThemeSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = ThemeFilter

    def get_queryset(self) -> QuerySet[Theme]:
        return theme_list()

    def perform_create(self, serializer: BaseSerializer[Theme]) -> None:
        serializer.instance = theme_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Theme]) -> None:
        assert serializer.instance is not None
        serializer.instance = theme_update(theme=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance: Theme) -> None:
        theme_delete(theme=instance)


@extend_schema(tags=["statements"])
class StatementExportViewSet(ExportMixin, StatementViewSet):
    """What speakers said in interactive dialogues and at the Council's adoption.

    `?format=csv`, `?format=xlsx` or `?format=json` streams the whole filtered list (not one page).

    With `q`, results are ordered by relevance unless `ordering` is given.
    """

    # Reviews' statements API with the exports added here: the export machinery is this app's, and
    # reviews, below it, do not import it (README, "Layout").
    export_kind = "statements"
