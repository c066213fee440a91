from django.urls import path

from apps.web import views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reviews/<int:review_id>/", views.review_detail, name="review_detail"),
    path("recommendations/", views.recommendation_explorer, name="recommendation_explorer"),
    path("who-raised-it/", views.who_raised_it, name="who_raised_it"),
    path("statements/new/", views.statement_new, name="statement_new"),
    path("statements/next-order/", views.statement_next_order, name="statement_next_order"),
    path("statements/<int:statement_id>/edit/", views.statement_edit, name="statement_edit"),
    path("statements/<int:statement_id>/delete/", views.statement_remove, name="statement_delete"),
    # django.contrib.auth.urls serves the rest of /accounts/ (login, logout, password reset).
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/signup/", views.signup, name="signup"),
]
