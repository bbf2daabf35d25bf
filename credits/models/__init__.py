"""The credits models, split by topic; import them from here (``credits.models``)."""

from .checks import Sanction, SanctionQuerySet, SpotCheck, SpotCheckItem
from .common import HOURS
from .intake import ApiToken, ImportBatch, ImportRow, PlatformRecord, TrainingProgramme
from .nightly import NightlyCheck
from .records import (
    EDITABLE,
    IN_REVIEW,
    Declaration,
    Evidence,
    Exemption,
    PersonYear,
    Reviewable,
    ReviewEvent,
    ReviewStatus,
    evidence_path,
)
from .reminders import Reminder
from .requirements import Requirement
from .statistics import (
    FILED_SUMS,
    STAT_SUMS,
    OrgYearFiled,
    OrgYearStat,
    UnitYearFiled,
    UnitYearStat,
)

__all__ = [
    "ApiToken",
    "ImportBatch",
    "ImportRow",
    "PlatformRecord",
    "TrainingProgramme",
    "FILED_SUMS",
    "STAT_SUMS",
    "OrgYearFiled",
    "OrgYearStat",
    "UnitYearFiled",
    "UnitYearStat",
    "EDITABLE",
    "HOURS",
    "IN_REVIEW",
    "NightlyCheck",
    "Declaration",
    "Evidence",
    "Exemption",
    "PersonYear",
    "Reminder",
    "Requirement",
    "ReviewEvent",
    "ReviewStatus",
    "Reviewable",
    "Sanction",
    "SanctionQuerySet",
    "SpotCheck",
    "SpotCheckItem",
    "evidence_path",
]
