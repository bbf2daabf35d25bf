"""The rendering figures: one certificate rendered and signed in this process
(``cert.render``, beside a one-line WeasyPrint page in the same font as the machine's
reference) and the size of its PDF (``cert.render.pdf_size``)."""

import statistics
from collections.abc import Callable

from bench import cert
from certificates.fonts import font_for
from certificates.rendering import font_config

from ..report import Figure, Report, percentile, sample
from .plan import Plan

ONE_LINE = "继续教育学时证书核验"


def _one_line_page() -> Callable[[], bytes]:
    """A WeasyPrint page of one line in the certificate's font, with the portal's font
    configuration: what any render costs on this machine now, however busy it is."""
    from weasyprint import CSS, HTML

    font = font_for(ONE_LINE)
    css = CSS(
        string=f"{font.face_css} body {{ font-family: '{font.family}'; }}",
        font_config=font_config(),
    )
    html = f'<html lang="zh-CN"><body><p>{ONE_LINE}</p></body></html>'
    return lambda: HTML(string=html).write_pdf(stylesheets=[css], font_config=font_config())


def measure_rendering(report: Report, plan: Plan, write) -> float:
    """cert.render and cert.render.pdf_size; returns the median ms per certificate."""
    write(f"证书渲染 / rendering {plan.renders} certificates in this process")
    result = cert.run(plan.renders, pdfa_compare=False)
    line = sample(_one_line_page(), rounds=plan.reference_rounds, max_seconds=30)
    times = result.overall.times
    median, p95 = statistics.median(times), percentile(times, 0.95)
    report.add(
        Figure(
            "cert.render",
            round(median, 1),
            "ms",
            budget=f"median < {cert.MAX_MEDIAN_MS} ms",
            passed=median < cert.MAX_MEDIAN_MS,
            p50=round(median, 1),
            p95=round(p95, 1),
            reference=f"p95 {p95:.0f} ms; one-line page {line.p50:.1f} ms",
            note=f"单张证书渲染并签名（{len(times)} 张，1-10 个年度，PDF/A-3b，单进程）",
        )
    )
    sizes = [size / 1024 for size in result.overall.sizes]
    largest = max(sizes)
    report.add(
        Figure(
            "cert.render.pdf_size",
            round(largest, 1),
            "KB",
            budget=f"PDF < {cert.MAX_PDF_KB} KB",
            passed=largest < cert.MAX_PDF_KB,
            p50=round(statistics.median(sizes), 1),
            note="证书 PDF 大小（最大；p50 为中位）",
        )
    )
    return median
