"""Every write of the credits app. Import the functions from here."""

from .checks import spot_check_create, spot_check_item_confirm, spot_check_item_revoke
from .declarations import (
    declaration_create,
    declaration_delete,
    declaration_evidence_add,
    declaration_resubmit,
    declaration_submit,
    declaration_update,
    declaration_withdraw,
    evidence_remove,
)
from .exemptions import (
    exemption_create,
    exemption_evidence_add,
    exemption_submit,
    exemption_update,
    exemption_withdraw,
)
from .requirements import requirement_save
from .review import review_batch, review_batch_start, review_one
from .sanctions import sanction_create, sanction_revoke
from .summary import person_year_refresh, person_years_refresh
from .thumbnails import evidence_thumbnail_make, evidence_thumbnails_fill

__all__ = [
    "declaration_create",
    "declaration_delete",
    "declaration_evidence_add",
    "declaration_resubmit",
    "declaration_submit",
    "declaration_update",
    "declaration_withdraw",
    "evidence_remove",
    "evidence_thumbnail_make",
    "evidence_thumbnails_fill",
    "exemption_create",
    "exemption_evidence_add",
    "exemption_submit",
    "exemption_update",
    "exemption_withdraw",
    "person_year_refresh",
    "person_years_refresh",
    "requirement_save",
    "sanction_create",
    "sanction_revoke",
    "spot_check_create",
    "spot_check_item_confirm",
    "spot_check_item_revoke",
    "review_batch",
    "review_batch_start",
    "review_one",
]
