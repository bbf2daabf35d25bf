"""URLs of the certificates app: the admins' single certificate query."""

from django.urls import path

from .views import query

urlpatterns = [
    path("query/", query.PersonQueryView.as_view(), name="query"),
    path("query/people/<id:pk>/", query.PersonQueryDetailView.as_view(), name="query-person"),
]
