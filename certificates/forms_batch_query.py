"""Forms of the batch query page: the numbers (pasted or uploaded) and the years; and the
export of an answered query, which carries its numbers back."""

import json

from django import forms
from django.core.exceptions import ValidationError

from portal.forms import form_errors_add
from portal.jobs import job_runs_inline
from portal.spreadsheets import size_check

from .batch_query import MAX_UPLOAD_BYTES, check_count, items_from_text, items_from_upload
from .forms_batch import year_choices
from .services.batch_query import BATCH_QUERY, default_years, query_years_validate

YEAR_ERRORS = {"required": "请选择年度。", "invalid_choice": "请从列表中选择年度。"}


class YearsMixin:
    def year_fields(self) -> None:
        years = year_choices()
        first, last = default_years()
        for name, initial in (("first_year", first), ("last_year", last)):
            self.fields[name].choices = years
            self.fields[name].initial = initial

    def clean_years(self, data: dict) -> None:
        if data.get("first_year") is None or data.get("last_year") is None:
            return
        try:
            query_years_validate(data["first_year"], data["last_year"])
        except ValidationError as exc:
            form_errors_add(self, exc)


class BatchQueryForm(YearsMixin, forms.Form):
    numbers = forms.CharField(
        label="身份证号或证书管理号",
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 10,
                "spellcheck": "false",
                "autocomplete": "off",
                "placeholder": "410402198503121234\n4104020000001",
            }
        ),
        help_text="每行一个号码，也可以用逗号、空格、分号分隔；身份证号末位的 x 不区分大小写。",
    )
    upload = forms.FileField(
        label="或上传文件",
        required=False,
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
        help_text=(
            "Excel（.xlsx）或 CSV 文件，不超过 5 MB：读取第一列，或标题为“身份证号”“证书管理号”"
            "“证件号码”的列；第一行是标题时自动跳过。文件只用于本次查询，不会保存。"
        ),
    )
    first_year = forms.TypedChoiceField(label="起始年度", coerce=int, error_messages=YEAR_ERRORS)
    last_year = forms.TypedChoiceField(label="截止年度", coerce=int, error_messages=YEAR_ERRORS)

    field_order = ["numbers", "upload", "first_year", "last_year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.year_fields()

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        size_check(upload.size, MAX_UPLOAD_BYTES)  # before the upload is read into memory
        return items_from_upload(upload.name, upload.read())

    def clean(self):
        data = super().clean()
        self.clean_years(data)
        text = (data.get("numbers") or "").strip()
        uploaded = data.get("upload")
        if self.has_error("upload"):
            return data
        if text and uploaded is not None:
            raise ValidationError("请在文本框中粘贴号码，或者上传文件，二者选其一。")
        items = uploaded if uploaded is not None else items_from_text(text)
        try:
            check_count(items)
        except ValidationError as exc:
            self.add_error("upload" if uploaded is not None else "numbers", exc)
            return data
        data["items"] = items
        return data


class BatchQueryExportForm(YearsMixin, forms.Form):
    """The numbers of a query answered on the page, sent back to download its xlsx."""

    items = forms.CharField(widget=forms.HiddenInput)
    first_year = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)
    last_year = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.year_fields()

    @classmethod
    def for_result(cls, result) -> "BatchQueryExportForm":
        return cls(
            initial={
                "items": json.dumps(result.items, ensure_ascii=False),
                "first_year": result.first_year,
                "last_year": result.last_year,
            }
        )

    def clean_items(self) -> list[str]:
        try:
            items = json.loads(self.cleaned_data["items"])
        except ValueError:
            items = None
        # The JSON is sent back by the browser: its escapes can spell what no number has (a
        # NUL, a lone surrogate), which the database and the xlsx writer would refuse.
        if not isinstance(items, list) or not all(
            isinstance(item, str) and item.isprintable() for item in items
        ):
            raise ValidationError("查询内容有误，请重新查询后再导出。")
        check_count(items)
        if not job_runs_inline(BATCH_QUERY, len(items)):
            raise ValidationError("号码较多的查询请在后台任务的结果中下载 Excel 文件。")
        return items

    def clean(self):
        data = super().clean()
        self.clean_years(data)
        return data
