"""/accounts/…: e-mail confirmation, and Django's password views (same paths and names) with our rules.

Included before django.contrib.auth.urls, so these paths resolve here; the rest (login, logout, done
pages) are Django's.
"""

from django.urls import path

from apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("email/", views.email_change, name="email_change"),
    path("email/resend/", views.email_resend, name="email_resend"),
    path("email/confirm/<str:token>/", views.email_confirm, name="email_confirm"),
    path("password_change/", views.ServicePasswordChangeView.as_view(), name="password_change"),
    path("password_reset/", views.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("reset/<uidb64>/<token>/", views.ServicePasswordResetConfirmView.as_view(), name="password_reset_confirm"),
]
