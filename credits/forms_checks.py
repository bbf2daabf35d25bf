"""Forms of the spot-check and sanction pages: parsing only; the services check the rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from accounts.models import Person
from orgtree.models import Org
from orgtree.roles import hrss_offices
from orgtree.selectors import scope_q
from portal.forms import DateField
from portal.ids import normalize_id_number

from .models import SpotCheck


class SpotCheckForm(forms.Form):
    year = forms.IntegerField(
        label="年度",
        min_value=2013,
        max_value=2100,
        widget=forms.NumberInput(attrs={"min": "2013"}),
    )
    org = forms.TypedChoiceField(label="抽查范围", coerce=int)
    method = forms.ChoiceField(
        label="抽样方式",
        choices=SpotCheck.Method.choices,
        initial=SpotCheck.Method.PERCENT,
        widget=forms.RadioSelect,
    )
    value = forms.DecimalField(
        label="比例（%）或数量",
        max_digits=9,
        decimal_places=2,
        help_text="按比例时填写大于 0、不超过 100 的百分数；按数量时填写不小于 1 的整数。"
        "每次最多抽取 10000 条。",
        widget=forms.NumberInput(attrs={"step": "any", "min": "0"}),
    )
    note = forms.CharField(
        label="说明", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offices = hrss_offices(user)
        self.fields["org"].choices = [(office.pk, office.name) for office in offices]
        if len(offices) == 1:
            self.fields["org"].initial = offices[0].pk
        self.fields["year"].initial = timezone.localdate().year - 1


class OutcomeNoteForm(forms.Form):
    note = forms.CharField(label="核查说明", required=False, max_length=500)


class RevokeReasonForm(forms.Form):
    reason = forms.CharField(
        label="撤销原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="将通知申报人，并记入审核记录。",
        error_messages={"required": "请填写撤销原因。"},
    )


class SanctionCreateForm(forms.Form):
    SUBJECTS = [("person", "专业技术人员（不得申报 3 年）"), ("unit", "用人单位（不得申报 2 年）")]

    subject = forms.ChoiceField(
        label="对象", choices=SUBJECTS, initial="person", widget=forms.RadioSelect
    )
    person_key = forms.CharField(
        label="身份证号或证书管理号", required=False, max_length=40, help_text="对象为人员时填写。"
    )
    unit_key = forms.CharField(
        label="单位统一社会信用代码或全称",
        required=False,
        max_length=100,
        help_text="对象为单位时填写。",
    )
    reason = forms.CharField(
        label="认定事实", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    found_on = DateField(label="认定日期", widget=forms.DateInput(attrs={"type": "date"}))
    barred_from = DateField(
        label="限制起始日期",
        required=False,
        help_text="留空表示自认定日期起。",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["found_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        subject = data.get("subject")
        if subject == "person":
            data["person"] = self._person(data.get("person_key", "").strip())
        elif subject == "unit":
            data["unit"] = self._unit(data.get("unit_key", "").strip())
        return data

    def _person(self, key: str) -> Person | None:
        if not key:
            self.add_error("person_key", "请填写人员的身份证号或证书管理号。")
            return None
        try:
            id_number = normalize_id_number(key)
        except ValidationError:  # not an ID number: it may be a certificate number
            id_number = None
        person = (
            Person.objects.filter(scope_q(self.user, kinds=[Org.Kind.HRSS]))
            .filter(Q(user__id_number=id_number) if id_number else Q(cert_no=key.upper()))
            .select_related("user", "unit")
            .first()
        )
        if person is None:
            self.add_error("person_key", "在您管理的范围内没有找到该人员。")
        return person

    def _unit(self, key: str) -> Org | None:
        if not key:
            self.add_error("unit_key", "请填写单位的统一社会信用代码或全称。")
            return None
        units = list(
            Org.objects.filter(
                scope_q(self.user, "path", kinds=[Org.Kind.HRSS]), kind=Org.Kind.UNIT
            )
            .filter(Q(credit_code=key.upper()) | Q(name=key))
            .order_by("pk")[:2]
        )
        if not units:
            self.add_error("unit_key", "在您管理的范围内没有找到该单位。")
            return None
        if len(units) > 1:
            self.add_error("unit_key", "有多个同名单位，请填写统一社会信用代码。")
            return None
        return units[0]


class SanctionRevokeForm(forms.Form):
    reason = forms.CharField(
        label="撤销原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写撤销原因。"},
    )


class SanctionFilterForm(forms.Form):
    STATES = [
        ("", "全部"),
        ("active", "限制中"),
        ("expired", "已到期"),
        ("revoked", "已撤销"),
    ]
    state = forms.ChoiceField(label="状态", choices=STATES, required=False)
    q = forms.CharField(label="姓名或单位", required=False, max_length=100)
