from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plans"),
    path("new/", views.PlanFormView.as_view(), name="plan-create"),
    path("filing/", views.PlanQueueView.as_view(), name="plan-queue"),
    path("<id:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("<id:pk>/edit/", views.PlanFormView.as_view(), name="plan-edit"),
    path("<id:pk>/submit/", views.PlanSubmitView.as_view(), name="plan-submit"),
    path("<id:pk>/export/", views.PlanExportView.as_view(), name="plan-export"),
    path("<id:pk>/file/", views.PlanDecisionView.as_view(), name="plan-file"),
    path("<id:pk>/return/", views.PlanDecisionView.as_view(returning=True), name="plan-return"),
    path("rules/", views.RuleListView.as_view(), name="rules"),
    path("rules/new/", views.RuleCreateView.as_view(), name="rule-create"),
    path("rules/filing/", views.RuleQueueView.as_view(), name="rule-queue"),
    path("rules/in-force/", views.RulesInForceView.as_view(), name="rules-in-force"),
    path("rules/<id:pk>/", views.RuleDetailView.as_view(), name="rule-detail"),
    path("rules/<id:pk>/resubmit/", views.RuleResubmitView.as_view(), name="rule-resubmit"),
    path("rules/<id:pk>/document/", views.RuleDocumentView.as_view(), name="rule-document"),
    path("rules/<id:pk>/file/", views.RuleDecisionView.as_view(), name="rule-file"),
    path(
        "rules/<id:pk>/return/", views.RuleDecisionView.as_view(returning=True), name="rule-return"
    ),
]
