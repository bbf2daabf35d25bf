from django.urls import include, path

from . import api, views
from .intake.api import CompletionsPushView
from .views import checks as check_views
from .views import intake as intake_views
from .views import nightly as nightly_views
from .views import registration_progress as progress_views
from .views import requirements as requirement_views
from .views import review as review_views
from .views import sanctions as sanction_views
from .views import todo as todo_views

app_name = "credits"

urlpatterns = [
    path("statistics/checks/", nightly_views.NightlyCheckListView.as_view(), name="nightly-checks"),
    path("statistics/todo/", todo_views.TodoListView.as_view(), name="todo"),  # 待办事项
    path("statistics/todo/export/", todo_views.TodoExportView.as_view(), name="todo-export"),
    path("statistics/todo/remind/", todo_views.TodoRemindView.as_view(), name="todo-remind"),
    path(
        "statistics/registration/",  # 注册进度 (督导通报)
        progress_views.RegistrationProgressView.as_view(),
        name="registration-progress",
    ),
    # 批量导入 (credits/intake)
    path("imports/", intake_views.ImportListView.as_view(), name="imports"),
    path("imports/new/<slug:kind>/", intake_views.ImportCreateView.as_view(), name="import-create"),
    path(
        "imports/template/<slug:kind>/",
        intake_views.ImportTemplateView.as_view(),
        name="import-template",
    ),
    path("imports/<id:pk>/", intake_views.ImportDetailView.as_view(), name="import-detail"),
    path("imports/<id:pk>/commit/", intake_views.ImportCommitView.as_view(), name="import-commit"),
    path(
        "imports/<id:pk>/discard/", intake_views.ImportDiscardView.as_view(), name="import-discard"
    ),
    path("imports/<id:pk>/report/", intake_views.ImportReportView.as_view(), name="import-report"),
    path("imports/jobs/<uuid:pk>/", intake_views.ImportJobView.as_view(), name="import-job"),
    path("", include("credits.urls_institutions")),  # 施教机构: 培训项目
    path("api/v1/hours/compute", api.HoursComputeView.as_view(), name="hours-compute"),
    path("api/v1/hours/categories", api.HoursCategoriesView.as_view(), name="hours-categories"),
    path("api/v1/completions", CompletionsPushView.as_view(), name="api-completions"),
    path("platform/tokens/", include("credits.urls_tokens")),  # 平台接口令牌
    path("statistics/", include("credits.urls_statistics")),  # 统计分析
    path(
        "credits/requirements/",
        requirement_views.RequirementListView.as_view(),
        name="requirements",
    ),
    path(
        "credits/requirements/new/",
        requirement_views.RequirementCreateView.as_view(),
        name="requirement-create",
    ),
    path(
        "credits/requirements/<id:pk>/edit/",
        requirement_views.RequirementEditView.as_view(),
        name="requirement-edit",
    ),
    # A professional's own pages (and, for the detail pages and files, admins in scope).
    path("credits/", views.PersonYearDetailView.as_view(), name="overview"),
    path("credits/declarations/", views.DeclarationListView.as_view(), name="declarations"),
    path(
        "credits/declarations/new/",
        views.DeclarationCreateView.as_view(),
        name="declaration-create",
    ),
    path(
        "credits/declarations/<id:pk>/",
        views.DeclarationDetailView.as_view(),
        name="declaration-detail",
    ),
    path(
        "credits/declarations/<id:pk>/edit/",
        views.DeclarationUpdateView.as_view(),
        name="declaration-edit",
    ),
    path(
        "credits/declarations/<id:pk>/submit/",
        views.DeclarationSubmitView.as_view(),
        name="declaration-submit",
    ),
    path(
        "credits/declarations/<id:pk>/withdraw/",
        views.DeclarationWithdrawView.as_view(),
        name="declaration-withdraw",
    ),
    path(
        "credits/declarations/<id:pk>/delete/",
        views.DeclarationDeleteView.as_view(),
        name="declaration-delete",
    ),
    path(
        "credits/declarations/<id:pk>/evidence/",
        views.EvidenceUploadView.as_view(kind="declaration"),
        name="evidence-upload",
    ),
    path("credits/evidence/<id:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path(
        "credits/evidence/<id:pk>/thumb/",
        views.EvidenceThumbnailView.as_view(),
        name="evidence-thumb",
    ),
    path(
        "credits/evidence/<id:pk>/remove/",
        views.EvidenceRemoveView.as_view(),
        name="evidence-remove",
    ),
    path("credits/exemptions/new/", views.ExemptionCreateView.as_view(), name="exemption-create"),
    path(
        "credits/exemptions/<id:pk>/",
        views.ExemptionDetailView.as_view(),
        name="exemption-detail",
    ),
    path(
        "credits/exemptions/<id:pk>/edit/",
        views.ExemptionUpdateView.as_view(),
        name="exemption-edit",
    ),
    path(
        "credits/exemptions/<id:pk>/submit/",
        views.ExemptionSubmitView.as_view(),
        name="exemption-submit",
    ),
    path(
        "credits/exemptions/<id:pk>/withdraw/",
        views.ExemptionWithdrawView.as_view(),
        name="exemption-withdraw",
    ),
    path(
        "credits/exemptions/<id:pk>/evidence/",
        views.EvidenceUploadView.as_view(kind="exemption"),
        name="exemption-evidence-upload",
    ),
    # The reviewers' queues, record pages and actions.
    path("credits/review/", review_views.ReviewQueueView.as_view(), name="review-queue"),
    path(
        "credits/review/<str:kind>/batch/",
        review_views.ReviewBatchView.as_view(),
        name="review-batch",
    ),
    path(
        "credits/review/<str:kind>/<id:pk>/",
        review_views.ReviewDetailView.as_view(),
        name="review-detail",
    ),
    path(
        "credits/review/<str:kind>/<id:pk>/<str:action>/",
        review_views.ReviewActView.as_view(),
        name="review-act",
    ),
    # 抽查审验 and 失信记录 (HRSS admins).
    path("credits/spot-checks/", check_views.SpotCheckListView.as_view(), name="spotchecks"),
    path(
        "credits/spot-checks/new/",
        check_views.SpotCheckCreateView.as_view(),
        name="spotcheck-create",
    ),
    path(
        "credits/spot-checks/<id:pk>/",
        check_views.SpotCheckDetailView.as_view(),
        name="spotcheck-detail",
    ),
    path(
        "credits/spot-checks/<id:pk>/export/",
        check_views.SpotCheckExportView.as_view(),
        name="spotcheck-export",
    ),
    path(
        "credits/spot-checks/<id:pk>/items/<id:item>/confirm/",
        check_views.SpotCheckItemConfirmView.as_view(),
        name="spotcheck-item-confirm",
    ),
    path(
        "credits/spot-checks/<id:pk>/items/<id:item>/revoke/",
        check_views.SpotCheckItemRevokeView.as_view(),
        name="spotcheck-item-revoke",
    ),
    path("credits/sanctions/", sanction_views.SanctionListView.as_view(), name="sanctions"),
    path(
        "credits/sanctions/new/",
        sanction_views.SanctionCreateView.as_view(),
        name="sanction-create",
    ),
    path(
        "credits/sanctions/<id:pk>/revoke/",
        sanction_views.SanctionRevokeView.as_view(),
        name="sanction-revoke",
    ),
]
