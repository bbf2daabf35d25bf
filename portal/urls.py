from django.contrib import admin
from django.urls import include, path

from . import views, views_notifications

admin.site.site_header = "继续教育公共服务平台 · 系统管理"
admin.site.site_title = "系统管理"

urlpatterns = [
    # First: the QR page is the busiest URL, and Django tries the patterns in order.
    path("", include("certificates.urls_public")),
    path("", views.HomeView.as_view(), name="home"),
    path("register/", views.RegisterGuideView.as_view(), name="register-guide"),
    path("healthz", views.HealthzView.as_view(), name="healthz"),
    path("jobs/", views.JobListView.as_view(), name="jobs"),
    path("jobs/<uuid:pk>/", views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<uuid:pk>/progress", views.JobProgressView.as_view(), name="job-progress"),
    path("jobs/<uuid:pk>/result", views.JobResultView.as_view(), name="job-result"),
    path("jobs/<uuid:pk>/retry", views.JobRetryView.as_view(), name="job-retry"),
    path(
        "notifications/",
        views_notifications.NotificationListView.as_view(),
        name="notifications",
    ),
    path(
        "notifications/<id:pk>/",
        views_notifications.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path(
        "notifications/read-all/",
        views_notifications.NotificationReadAllView.as_view(),
        name="notifications-read-all",
    ),
    path("accounts/", include("accounts.urls")),
    path("", include("orgtree.urls")),
    path("plans/", include("plans.urls")),
    path("", include("bulletin.urls")),
    path("", include("credits.urls")),
    path("certificates/", include("certificates.urls")),
    path("admin/", admin.site.urls),
]
