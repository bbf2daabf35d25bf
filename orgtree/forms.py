from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError

from portal.forms import DateField, IdField

from .codes import HELP_TEXT, normalize_credit_code
from .models import Org, OrgAdmin, Region
from .selectors import parent_choices, registration_cities, registration_counties
from .services.registration import FILING_FIELDS

REGISTRABLE_KINDS = [
    (Org.Kind.DEPARTMENT.value, "主管部门（如卫生健康委、教育局）"),
    (Org.Kind.UNIT.value, "用人单位"),
    (Org.Kind.INSTITUTION.value, "施教机构（继续教育基地）"),
]

# The sections (门类) of GB/T 4754-2017, the national classification of industries.
INDUSTRIES = [
    "农、林、牧、渔业",
    "采矿业",
    "制造业",
    "电力、热力、燃气及水生产和供应业",
    "建筑业",
    "批发和零售业",
    "交通运输、仓储和邮政业",
    "住宿和餐饮业",
    "信息传输、软件和信息技术服务业",
    "金融业",
    "房地产业",
    "租赁和商务服务业",
    "科学研究和技术服务业",
    "水利、环境和公共设施管理业",
    "居民服务、修理和其他服务业",
    "教育",
    "卫生和社会工作",
    "文化、体育和娱乐业",
    "公共管理、社会保障和社会组织",
    "其他",
]
NO_DEPARTMENT_LABEL = "无主管部门（直接隶属人社部门）"


class RegionKindForm(forms.Form):
    """The first step of registration (a GET form): where the org is and what it is."""

    city = forms.ChoiceField(label="所在省辖市", required=False)
    county = forms.ChoiceField(label="所在县（市、区）", required=False)
    kind = forms.ChoiceField(label="注册类型", choices=[("", "请选择"), *REGISTRABLE_KINDS])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cities = list(registration_cities())
        self.cities = {city.code: city for city in cities}
        self.fields["city"].choices = [("", "请选择")] + [
            (city.code, f"{city.name}（省直）" if city.parent_id is None else city.name)
            for city in cities
        ]
        self.city = self.cities.get(self.data.get("city", "")) if self.is_bound else None
        self.counties = list(registration_counties(self.city)) if self.city else []
        chosen = self.data.get("county") if self.is_bound else None
        if chosen and chosen not in {county.code for county in self.counties}:
            # A county of the previously chosen city: ask for the county again.
            self.data = self.data.copy()
            self.data.pop("county")
        self.fields["county"].choices = [("", "市直（不选县区）")] + [
            (county.code, county.name) for county in self.counties
        ]

    @property
    def shows_county(self) -> bool:
        return bool(self.counties)

    def selection(self) -> tuple[Region | None, str]:
        """The chosen region (None until the choice is complete) and kind."""
        if not self.is_valid() or self.city is None:
            return None, ""
        kind = self.cleaned_data["kind"]
        if not self.counties:
            return self.city, kind
        if "county" not in self.data:
            return None, kind  # the county select has not been shown yet
        chosen = self.cleaned_data["county"]
        if not chosen:
            return self.city, kind
        return next(c for c in self.counties if c.code == chosen), kind


class ParentChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, kind: str = "", **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Org) -> str:
        if obj.kind == Org.Kind.HRSS and self.kind == Org.Kind.UNIT:
            return f"{NO_DEPARTMENT_LABEL}：{obj.name}"
        return f"{obj.name}（{obj.get_kind_display()}）"


class OrgRegisterForm(forms.Form):
    """The org part of a registration; the parent is chosen among the region's offices."""

    parent = ParentChoiceField(
        label="上级机构（主管部门）",
        queryset=Org.objects.none(),
        empty_label="请选择",
        help_text="没有主管局委的单位请选择“无主管部门（直接隶属人社部门）”。",
    )
    name = forms.CharField(label="机构名称", max_length=100)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=40, help_text=HELP_TEXT)
    industry = forms.ChoiceField(
        label="行业类别", choices=[("", "请选择"), *((i, i) for i in INDUSTRIES)]
    )
    address = forms.CharField(label="通讯地址", max_length=200)

    def __init__(self, *args, kind: str, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        field = self.fields["parent"]
        field.queryset = parent_choices(kind, region)
        field.kind = kind
        if kind == Org.Kind.INSTITUTION:
            field.label = "上级人社部门"
            field.help_text = "施教机构向所在地区的人社部门注册。"
        elif kind == Org.Kind.DEPARTMENT:
            field.label = "上级机构"
            field.help_text = "主管部门向同级人社部门注册；下属二级主管部门可选择上级主管部门。"

    def clean_credit_code(self) -> str:
        return normalize_credit_code(self.cleaned_data["credit_code"])


class OrgAdminForm(forms.ModelForm):
    """An admin's login account and the 管理员信息备案表 filing information."""

    username = forms.CharField(
        label="登录用户名",
        max_length=150,
        help_text="字母、数字和 @ . + - _，用于登录平台，不区分大小写。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    password1 = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="确认密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["username", "password1", "password2", *FILING_FIELDS]

    class Meta:
        model = OrgAdmin
        fields = FILING_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = [("", "请选择"), *OrgAdmin.Gender.choices]

    def clean_password2(self) -> str:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise ValidationError("两次输入的密码不一致。")
        return second

    def filing(self) -> dict:
        return {field: self.cleaned_data.get(field, "") for field in FILING_FIELDS}


class OrgRejectForm(forms.Form):
    reason = forms.CharField(
        label="不通过原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="申请人将在登录页看到此原因。",
    )


class OrgChildrenSearchForm(forms.Form):
    q = forms.CharField(label="名称", required=False, max_length=100)


class OrgRegistrationSearchForm(forms.Form):
    q = forms.CharField(label="名称或统一社会信用代码", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="类型", required=False, choices=[("", "全部"), *REGISTRABLE_KINDS]
    )


class OrgDirectorySearchForm(forms.Form):
    q = forms.CharField(label="名称或统一社会信用代码", required=False, max_length=100)


AUDIT_ACTION_GROUPS = [
    ("org.", "机构注册与审核（全部）"),
    ("org.admin.", "机构管理员变更"),
    ("person.", "专业技术人员（全部）"),
    ("person.transfer.", "人员调动"),
    ("declaration.", "学时申报与审核"),
    ("exemption.", "学时折算申请"),
    ("requirement.", "年度学时要求"),
    ("certificate.", "证书"),
    ("audit.", "审计日志导出"),
    ("deadline", "截止日期与例外"),
    ("plan.", "年度培训计划"),
    ("conversion_rule.", "行业学时折算办法"),
    ("notice.", "通知公告"),
]
AUDIT_ACTIONS = [
    ("org.register", "机构注册申请"),
    ("org.approve", "机构注册通过"),
    ("org.reject", "机构注册不通过"),
    ("org.withdraw", "机构注册撤回"),
    ("org.export", "机构名录导出"),
    ("org.update", "修改机构信息"),
    ("org.admin.add", "添加管理员"),
    ("org.admin.handover", "管理员交接"),
    ("org.admin.remove", "移除管理员"),
    ("org.admin.bootstrap", "开通首位管理员"),
    ("org.admin.update", "修改管理员备案信息"),
    ("person.register", "人员注册申请"),
    ("person.register_duplicate", "已注册身份证号再次注册（未受理）"),
    ("person.approve", "人员注册通过"),
    ("person.reject", "人员注册不通过"),
    ("person.withdraw", "人员注册撤回"),
    ("person.transfer.request", "调动申请"),
    ("person.transfer.approve", "调动接收"),
    ("person.transfer.reject", "调动不接收"),
    ("person.transfer.withdraw", "调动撤回"),
    ("person.export", "人员名单导出"),
    ("declaration.create", "学时申报（草稿）"),
    ("declaration.update", "修改学时申报"),
    ("declaration.delete", "删除申报草稿"),
    ("declaration.submit", "提交学时申报"),
    ("declaration.resubmit", "重新提交学时申报"),
    ("declaration.withdraw", "撤回学时申报"),
    ("declaration.approve", "学时申报审核通过"),
    ("declaration.file", "学时申报备案"),
    ("declaration.return", "学时申报退回修改"),
    ("declaration.reject", "学时申报不予通过"),
    ("declaration.revoke", "撤销已备案的学时申报"),
    ("declaration.batch_approve", "批量审核通过学时申报"),
    ("declaration.batch_file", "批量备案学时申报"),
    ("declaration.batch_return", "批量退回学时申报"),
    ("declaration.batch_reject", "批量不予通过学时申报"),
    ("exemption.create", "学时折算申请（草稿）"),
    ("exemption.update", "修改学时折算申请"),
    ("exemption.submit", "提交学时折算申请"),
    ("exemption.resubmit", "重新提交学时折算申请"),
    ("exemption.withdraw", "撤回学时折算申请"),
    ("exemption.approve", "学时折算申请审核通过"),
    ("exemption.file", "学时折算申请备案"),
    ("exemption.return", "学时折算申请退回修改"),
    ("exemption.reject", "学时折算申请不予通过"),
    ("exemption.revoke", "撤销已备案的学时折算"),
    ("exemption.batch_approve", "批量审核通过学时折算申请"),
    ("exemption.batch_file", "批量备案学时折算申请"),
    ("exemption.batch_return", "批量退回学时折算申请"),
    ("exemption.batch_reject", "批量不予通过学时折算申请"),
    ("evidence.view", "查看证明材料"),
    ("requirement.create", "新增年度学时要求"),
    ("requirement.update", "修改年度学时要求"),
    ("audit.export", "审计日志导出"),
    ("import.upload", "上传导入文件"),
    ("import.commit", "提交导入批次"),
    ("import.committed", "导入批次提交完成"),
    ("import.discard", "放弃导入批次"),
    ("import.report_export", "导入校验报告导出"),
    ("person.import", "人员批量导入"),
    ("programme.create", "新增培训项目"),
    ("programme.update", "修改培训项目"),
    ("api_token.issue", "签发平台接口令牌"),
    ("api_token.revoke", "吊销平台接口令牌"),
    ("platform.push", "学习平台推送学时"),
    ("statistics.export", "统计分析导出"),
    ("statistics.registration_export", "注册进度导出"),
    ("todo.export", "待办清单导出"),
    ("todo.remind", "发送待办提醒"),
    ("todo.remind_november", "十一月未合格提醒"),
    ("deadline.create", "新增截止日期"),
    ("deadline.update", "修改截止日期"),
    ("deadline.delete", "删除截止日期"),
    ("deadline.copy", "复制截止日期到其他年度"),
    ("deadline_exception.grant", "准予截止日期例外"),
    ("deadline_exception.revoke", "撤销截止日期例外"),
    ("plan.create", "新建年度培训计划"),
    ("plan.update", "修改年度培训计划"),
    ("plan.item.add", "添加培训计划项目"),
    ("plan.item.update", "修改培训计划项目"),
    ("plan.item.remove", "删除培训计划项目"),
    ("plan.submit", "报送年度培训计划"),
    ("plan.file", "年度培训计划备案"),
    ("plan.return", "年度培训计划退回"),
    ("conversion_rule.submit", "报送行业学时折算办法"),
    ("conversion_rule.resubmit", "重新报送行业学时折算办法"),
    ("conversion_rule.file", "行业学时折算办法备案"),
    ("conversion_rule.return", "行业学时折算办法退回"),
    ("notice.create", "新建通知公告"),
    ("notice.update", "修改通知公告"),
    ("notice.publish", "发布通知公告"),
    ("notice.withdraw", "撤回通知公告"),
    ("notice.attachment_add", "添加通知附件"),
    ("notice.attachment_remove", "删除通知附件"),
    ("office_contact.save", "修改联系方式"),
]
AUDIT_ACTION_LABELS = dict(AUDIT_ACTIONS)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="操作",
        required=False,
        choices=[
            ("", "全部"),
            ("按类别", [(prefix, label) for prefix, label in AUDIT_ACTION_GROUPS]),
            ("按操作", AUDIT_ACTIONS),
        ],
    )
    date_from = DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label="操作对象", required=False, max_length=100)
    org = IdField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise ValidationError("起始日期不能晚于截止日期。")
        return cleaned
