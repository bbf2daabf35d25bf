"""Forms of the bulk intake pages."""

from django import forms

from .intake.services import upload_max_mb
from .models import ImportBatch, ImportRow


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="导入文件",
        help_text=f"Excel（.xlsx）或 CSV 文件，不超过 {upload_max_mb()} MB、100,000 行。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programmes is not None:
            self.fields["programme"] = forms.ModelChoiceField(
                label="培训项目", queryset=programmes, empty_label="请选择培训项目"
            )
            self.order_fields(["programme", "file"])


class ImportFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="导入类型", required=False, choices=[("", "全部")] + ImportBatch.Kind.choices
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部")] + ImportBatch.Status.choices
    )


class ImportRowFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部")] + ImportRow.Status.choices
    )
