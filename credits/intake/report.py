"""The validation report as xlsx: every row of the file with its result and its Chinese error,
then the values as they were read, so that the uploader can fix the rows and upload again."""

from django.utils import timezone

from portal.exports import xlsx_bytes

from ..models import ImportBatch, ImportRow
from .kinds import kind_of

STATUS_LABELS = dict(ImportRow.Status.choices)


def report_file_name(batch: ImportBatch) -> str:
    return f"导入校验报告_{batch.pk}_{timezone.localdate():%Y%m%d}.xlsx"


def report_xlsx(batch: ImportBatch) -> tuple[bytes, int]:
    columns = kind_of(batch.kind).columns
    headers = ["行号", "结果", "错误说明", *(column.names[0] for column in columns)]
    rows = (
        ImportRow.objects.filter(batch=batch)
        .order_by("line")
        .values_list("line", "status", "errors", "values")
        .iterator(chunk_size=2000)
    )
    cells = (
        [line, str(STATUS_LABELS[status]), errors, *(values.get(c.key, "") for c in columns)]
        for line, status, errors, values in rows
    )
    widths = [6, 10, 40, *(max(10, len(column.names[0]) * 2) for column in columns)]
    return xlsx_bytes("校验报告", headers, cells, widths=widths)
