from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "apps.recommendations"
    label = "recommendations"

    def ready(self) -> None:
        from apps.recommendations.export_requests import dataset_rebuild_on_statements_changed
        from apps.reviews.signals import statements_changed

        # Reviews sit below this app (README, "Layout"): they announce statement writes, the exports rebuild.
        statements_changed.connect(dataset_rebuild_on_statements_changed, dispatch_uid="dataset_rebuild_statements")
