from .filing import PlanDecisionView, PlanQueueView, RuleDecisionView, RuleQueueView
from .plans import (
    PlanDetailView,
    PlanExportView,
    PlanFormView,
    PlanListView,
    PlanSubmitView,
)
from .rules import (
    RuleCreateView,
    RuleDetailView,
    RuleDocumentView,
    RuleListView,
    RuleResubmitView,
    RulesInForceView,
)

__all__ = [
    "PlanDecisionView",
    "PlanDetailView",
    "PlanExportView",
    "PlanFormView",
    "PlanListView",
    "PlanQueueView",
    "PlanSubmitView",
    "RuleCreateView",
    "RuleDecisionView",
    "RuleDetailView",
    "RuleDocumentView",
    "RuleListView",
    "RuleQueueView",
    "RuleResubmitView",
    "RulesInForceView",
]
