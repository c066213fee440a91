from django.apps import AppConfig


class VocabularyConfig(AppConfig):
    """The shared vocabulary: themes, and how a text mentions one.

    Low in the import graph (above common only): reviews tag statements and recommendations tag their
    texts with these themes, so neither app owns them.
    """

    name = "apps.vocabulary"
    label = "vocabulary"
