from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    """The real data: the fixtures' builder and loader, and the facts typed in from ../shared/data.

    At the top of the import graph (beside web): it reads every app's models and parsers; no app imports it.
    """

    name = "apps.reference"
    label = "reference"
