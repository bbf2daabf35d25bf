"""The forms of an org's details and of an admin's own 管理员信息备案表. Their rules (phone and
postcode formats) are the services'; a refusal comes back onto the field it concerns."""

from django import forms

from .contacts import PHONE_HELP
from .forms import INDUSTRIES
from .models import Org, OrgAdmin
from .services.profile import ORG_EDITABLE_FIELDS
from .services.registration import FILING_FIELDS


class OrgEditForm(forms.ModelForm):
    """What an org may change by itself: address, postcode, industry, contact person and phone."""

    industry = forms.ChoiceField(label="行业类别")

    class Meta:
        model = Org
        fields = ORG_EDITABLE_FIELDS
        help_texts = {
            "postcode": "6 位数字，如 467000。",
            "contact_phone": PHONE_HELP,
            "contact_person": "负责继续教育工作的联系人，可与管理员不同。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current_industry = self.instance.industry
        choices = [(industry, industry) for industry in INDUSTRIES]
        if current_industry and current_industry not in INDUSTRIES:
            # An industry recorded before the list (or by a data load) stays selectable as it is.
            choices.insert(0, (current_industry, current_industry))
        self.fields["industry"].choices = [("", "请选择"), *choices]
        # Registration asks for both; an edit may correct them but not clear them.
        self.fields["address"].required = True


class OrgAdminFilingForm(forms.ModelForm):
    """The 管理员信息备案表 of one admin, as they keep it up to date."""

    class Meta:
        model = OrgAdmin
        fields = FILING_FIELDS
        help_texts = {
            "name": "更正姓名会记入审计日志；如管理员换人，请由机构管理员使用“交接”。",
            "phone": PHONE_HELP,
            "postcode": "6 位数字，如 467000。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = [("", "请选择"), *OrgAdmin.Gender.choices]
