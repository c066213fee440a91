from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.reviews.selectors import deadline_upcoming_list


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "web/dashboard.html", {"deadlines": deadline_upcoming_list(limit=10)})
