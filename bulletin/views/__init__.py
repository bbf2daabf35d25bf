from .help import ContactEditView, ContactListView, DeclareGuideView, FaqListView, HelpView
from .manage import (
    NoticeAttachmentAddView,
    NoticeAttachmentRemoveView,
    NoticeCreateView,
    NoticeEditView,
    NoticeManageListView,
    NoticePublishView,
    NoticeWithdrawView,
)
from .notices import NoticeAttachmentView, NoticeDetailView, NoticeListView

__all__ = [
    "ContactEditView",
    "ContactListView",
    "DeclareGuideView",
    "FaqListView",
    "HelpView",
    "NoticeAttachmentAddView",
    "NoticeAttachmentRemoveView",
    "NoticeAttachmentView",
    "NoticeCreateView",
    "NoticeDetailView",
    "NoticeEditView",
    "NoticeListView",
    "NoticeManageListView",
    "NoticePublishView",
    "NoticeWithdrawView",
]
