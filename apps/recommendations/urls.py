from django.urls import path

from apps.recommendations import views

app_name = "exports"
urlpatterns = [
    path("downloads/", views.download_list, name="downloads"),
    path("downloads/<str:filename>", views.dataset_file, name="dataset_file"),
    path("exports/", views.export_new, name="new"),
    path("exports/<str:token>/", views.export_job, name="job"),
    path("exports/<str:token>/file", views.export_job_file, name="job_file"),
]
