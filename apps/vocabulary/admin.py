from django.contrib import admin

from apps.vocabulary.models import Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "scheme"]
    list_filter = ["scheme"]
    search_fields = ["code", "name"]
