"""统计分析 (included at "statistics/" by credits/urls.py)."""

from django.urls import path

from .views import statistics as views

urlpatterns = [
    path("", views.StatisticsView.as_view(), name="statistics"),
    path("export/", views.StatisticsExportView.as_view(), name="statistics-export"),
    path("units/<id:pk>/people/", views.StatisticsPeopleView.as_view(), name="statistics-people"),
]
