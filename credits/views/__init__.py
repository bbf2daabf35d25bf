"""The professional's pages of the credits app: thin views over ``credits.services``."""

from .declarations import (
    DeclarationCreateView,
    DeclarationDeleteView,
    DeclarationDetailView,
    DeclarationListView,
    DeclarationSubmitView,
    DeclarationUpdateView,
    DeclarationWithdrawView,
)
from .evidence import (
    EvidenceDownloadView,
    EvidenceRemoveView,
    EvidenceThumbnailView,
    EvidenceUploadView,
)
from .exemptions import (
    ExemptionCreateView,
    ExemptionDetailView,
    ExemptionSubmitView,
    ExemptionUpdateView,
    ExemptionWithdrawView,
)
from .overview import PersonYearDetailView

__all__ = [
    "DeclarationCreateView",
    "DeclarationDeleteView",
    "DeclarationDetailView",
    "DeclarationListView",
    "DeclarationSubmitView",
    "DeclarationUpdateView",
    "DeclarationWithdrawView",
    "EvidenceDownloadView",
    "EvidenceRemoveView",
    "EvidenceThumbnailView",
    "EvidenceUploadView",
    "ExemptionCreateView",
    "ExemptionDetailView",
    "ExemptionSubmitView",
    "ExemptionUpdateView",
    "ExemptionWithdrawView",
    "PersonYearDetailView",
]
