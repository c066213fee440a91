from django.urls import path

from apps.reminders import views

app_name = "reminders"
urlpatterns = [
    path("subscriptions/", views.subscription_list, name="subscription_list"),
    path("subscriptions/new/", views.subscription_create, name="subscription_create"),
    path("subscriptions/<int:pk>/edit/", views.subscription_edit, name="subscription_edit"),
    path("subscriptions/<int:pk>/delete/", views.subscription_delete, name="subscription_delete"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("reviews/<int:review_id>/calendar.ics", views.review_calendar_feed, name="review_calendar_feed"),
]
