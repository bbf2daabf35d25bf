from django.urls import path

from . import views

app_name = "bulletin"

urlpatterns = [
    # 通知公告
    path("notices/", views.NoticeListView.as_view(), name="notices"),
    path("notices/<id:pk>/", views.NoticeDetailView.as_view(), name="notice-detail"),
    path(
        "notices/attachments/<id:pk>/",
        views.NoticeAttachmentView.as_view(),
        name="notice-attachment",
    ),
    # 发布管理 (HRSS admins)
    path("notices/manage/", views.NoticeManageListView.as_view(), name="notice-manage"),
    path("notices/new/", views.NoticeCreateView.as_view(), name="notice-create"),
    path("notices/<id:pk>/edit/", views.NoticeEditView.as_view(), name="notice-edit"),
    path(
        "notices/<id:pk>/attachments/add/",
        views.NoticeAttachmentAddView.as_view(),
        name="notice-attach",
    ),
    path(
        "notices/attachments/<id:pk>/remove/",
        views.NoticeAttachmentRemoveView.as_view(),
        name="notice-attachment-remove",
    ),
    path("notices/<id:pk>/publish/", views.NoticePublishView.as_view(), name="notice-publish"),
    path("notices/<id:pk>/withdraw/", views.NoticeWithdrawView.as_view(), name="notice-withdraw"),
    # 帮助中心
    path("help/", views.HelpView.as_view(), name="help"),
    path("help/declare/", views.DeclareGuideView.as_view(), name="help-declare"),
    path("help/faq/", views.FaqListView.as_view(), name="faq"),
    path("help/contact/", views.ContactListView.as_view(), name="contacts"),
    path("help/contact/edit/", views.ContactEditView.as_view(), name="contact-edit"),
]
