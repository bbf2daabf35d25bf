"""The reviewers' pages: the queue of their step, one record's page, per-row and batch actions."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from orgtree.mixins import OrgAdminRequiredMixin
from orgtree.roles import roles_of
from orgtree.selectors import scope_q
from portal.forms import form_errors_add, ids_parse
from portal.home import Waiting
from portal.http import next_url
from portal.jobs import job_runs_inline
from portal.models import Job
from portal.pagination import COUNT_LIMIT, bounded_count

from ..deadlines import queue_deadlines
from ..forms_review import BatchForm, QueueFilterForm, ReviewActForm
from ..models import Evidence
from ..rules import CATEGORIES
from ..selectors import declarations_visible_to, exemptions_visible_to, trail_of
from ..selectors_review import (
    DEFAULT_PAGE_SIZE,
    KIND_LABELS,
    KINDS,
    approve_word,
    batch_summary,
    keyset_page,
    may_revoke,
    queue_counts,
    queue_filter,
    review_queue,
    review_queue_parts,
    step_of,
)
from ..services import review_batch_start, review_one
from ..services.review import REVIEW_BATCH
from ..workflow import ACTION_LABELS, event_action, filing_office_above, step_for
from .declarations import params_display_rows

# The queue's filters shown at once; the others fold into 更多筛选条件 unless one is in use.
PRIMARY_FILTERS = ("q", "year", "status")
FILTER_DEFAULTS = {"size": str(DEFAULT_PAGE_SIZE)}
ACT_LABELS = {"approve": "通过", "return": "退回", "reject": "不予通过", "revoke": "撤销"}
VISIBLE = {"declaration": declarations_visible_to, "exemption": exemptions_visible_to}


def _kind(value: str) -> str:
    if value not in KINDS:
        raise Http404("未知的记录类型")
    return value


def _queue_url(kind: str, query: str = "") -> str:
    url = f"{reverse('credits:review-queue')}?kind={kind}"
    params = QueryDict(query, mutable=True)
    params.pop("kind", None)
    params.pop("after", None)
    return f"{url}&{params.urlencode()}" if params else url


def _filter_form(actor, kind: str, data: QueryDict) -> QueueFilterForm:
    data = data.copy()
    data.setdefault("size", str(DEFAULT_PAGE_SIZE))
    return QueueFilterForm(data, actor=actor, kind=kind)


def _filtered_queue(actor, kind: str, data: QueryDict):
    form = _filter_form(actor, kind, data)
    return form, queue_filter(review_queue(actor, kind), kind, form.filters())


def approve_label(record) -> str:
    """通过, or 备案 where the approval files (the HRSS step)."""
    step = step_for(record.status, "approve", record.has_department)
    return "备案" if step is not None and event_action("approve", step) == "file" else "通过"


def _with_row_urls(kind: str, rows: list, here: str) -> list:
    """Sets each row's links from one reversed URL: a reverse per link cost a queue page
    about 12 ms (five links a row, 50 rows). The rows' evidence comes in one more query, so
    that a reviewer can look at it from the list."""
    sample = reverse("credits:review-detail", args=[kind, 1])
    prefix = sample[: -len("1/")]
    back = urlencode({"next": here})
    evidence = Evidence.objects.only(
        "pk", "declaration_id", "exemption_id", "thumbnail", "original_name", "content_type"
    ).order_by("uploaded_at", "pk")
    prefetch_related_objects(rows, Prefetch("evidence", queryset=evidence, to_attr="evidence_list"))
    for row in rows:
        row.detail_url = f"{prefix}{row.pk}/"
        row.approve_url = f"{prefix}{row.pk}/approve/"
        row.approve_label = approve_label(row)
        row.return_url = f"{prefix}{row.pk}/return/?{back}"
        row.reject_url = f"{prefix}{row.pk}/reject/?{back}"
    return rows


class ReviewQueueView(OrgAdminRequiredMixin, View):
    """The rows waiting for this admin's step, filtered, with a keyset page of them."""

    template_name = "credits/review_queue.html"

    def get(self, request):
        kind = request.GET.get("kind", "declaration")
        kind = kind if kind in KINDS else "declaration"
        form = _filter_form(request.user, kind, request.GET)
        filters = form.filters()
        # The queue's disjoint parts (one per status and route), each filtered alike: every
        # read below is a range of one index, whatever the size of the province.
        parts = [
            queue_filter(part, kind, filters) for part in review_queue_parts(request.user, kind)
        ]
        page = keyset_page(
            parts,
            after=request.GET.get("after", ""),
            size=filters.get("size") or DEFAULT_PAGE_SIZE,
            descending=filters.get("sort") == "desc",
        )
        # Bounded COUNTs of the filtered queue (never more than COUNT_LIMIT + 1 rows in all).
        total = bounded_count(parts)
        filter_query = request.GET.copy()
        filter_query.pop("after", None)
        word = approve_word(request.user)
        context = {
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "tabs": [
                {"kind": key, "label": label, "active": key == kind}
                for key, label in KIND_LABELS.items()
            ],
            "form": form,
            "primary_filters": PRIMARY_FILTERS,
            "more_filters_used": any(
                request.GET.get(name, "") not in ("", FILTER_DEFAULTS.get(name))
                for name in form.fields
                if name not in PRIMARY_FILTERS
            ),
            "rows": _with_row_urls(kind, page.rows, request.get_full_path()),
            "next_token": page.next_token,
            "is_first_page": not request.GET.get("after"),
            "total": total,
            "total_capped": total > COUNT_LIMIT,
            "count_limit": f"{COUNT_LIMIT:,}",
            "filter_query": filter_query.urlencode(),
            "batch_form": BatchForm(approve_word=word),
            "approve_word": word,
            # An office with HRSS offices below it files only its own level's records.
            "filing_below": any(below for _path, below in roles_of(request.user).filing_paths),
            # Issue 18: the deadlines of the reviewer's steps in their region, closing soon.
            "deadlines": queue_deadlines(request.user),
            "here": request.get_full_path(),
        }
        return render(request, self.template_name, context)


def review_record(actor, kind: str, pk: int):
    """A record in the actor's scope as an admin (their own records are not reviewed here)."""
    queryset = VISIBLE[kind](actor).filter(scope_q(actor, "org_path"))
    related = ["person__user", "unit__parent"]
    if kind == "declaration":  # the facts name the plan item's plan and its org
        related.append("plan_item__plan__org")
    return get_object_or_404(queryset.select_related(*related), pk=pk)


def filing_note(actor, record) -> str:
    """For an office above the one that files a waiting record: who files it (the record is
    shown read-only to them; 周口 guide 第五步, 同级人社部门备案)."""
    step = step_for(record.status, "approve", record.has_department)
    if step is None or not step.filing:
        return ""
    office = filing_office_above(actor, record.org_path)
    return f"由{office.name}备案" if office is not None else ""


def _actions_for(actor, record) -> list[str]:
    actions = ["approve", "return", "reject"] if step_of(actor, record) else []
    if may_revoke(actor, record):
        actions.append("revoke")
    return actions


class ReviewDetailView(OrgAdminRequiredMixin, View):
    template_name = "credits/review_detail.html"

    def get(self, request, kind, pk):
        kind = _kind(kind)
        record = review_record(request.user, kind, pk)
        return render(request, self.template_name, self.context(request, kind, record))

    @staticmethod
    def context(request, kind, record, forms=None) -> dict:
        actions = _actions_for(request.user, record)
        step = step_of(request.user, record)
        forms = forms or {}
        context = {
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "record": record,
            "person": record.person,
            "trail": list(trail_of(record)),
            "evidence_list": list(record.evidence.order_by("uploaded_at", "pk")),
            "can_edit": False,
            "step_label": ACTION_LABELS["file"] if step and step.next_status == "filed" else "",
            "filing_note": "" if step else filing_note(request.user, record),
            "action_forms": [
                {
                    "action": action,
                    "label": ACT_LABELS[action],
                    "form": forms.get(action) or ReviewActForm(action=action),
                }
                for action in actions
            ],
            "back": next_url(request, reverse("credits:review-queue") + f"?kind={kind}"),
        }
        if kind == "declaration":
            context["category"] = CATEGORIES.get(record.category)
            context["params_display"] = params_display_rows(record)
        return context


class ReviewActView(OrgAdminRequiredMixin, View):
    """One record, one action: GET shows the reason form, POST applies it."""

    template_name = "credits/review_act.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["action"] not in ACT_LABELS:
            raise Http404("未知的操作")
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, request, kind, record, action, form, status=200):
        context = {
            "kind": kind,
            "record": record,
            "action": action,
            "action_label": ACT_LABELS[action],
            "form": form,
            "next": next_url(request),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, kind, pk, action):
        kind = _kind(kind)
        record = review_record(request.user, kind, pk)
        return self.render_form(request, kind, record, action, ReviewActForm(action=action))

    def post(self, request, kind, pk, action):
        kind = _kind(kind)
        record = review_record(request.user, kind, pk)
        form = ReviewActForm(request.POST, action=action)
        if not form.is_valid():
            return self.render_form(request, kind, record, action, form, status=400)
        data = form.cleaned_data
        try:
            record = review_one(
                actor=request.user,
                kind=kind,
                record_id=record.pk,
                action=action,
                comment=data["comment"],
                approved_hours=data.get("approved_hours"),
                hours_reason=data.get("hours_reason", ""),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form_errors_add(form, exc)
                return self.render_form(request, kind, record, action, form, status=400)
            messages.error(request, " ".join(exc.messages))
            return redirect("credits:review-detail", kind, record.pk)
        name = getattr(record, "title", None) or str(record)
        messages.success(
            request,
            f"已{ACT_LABELS[action]}：{record.person.user.display_name}《{name}》，"
            f"当前状态为“{record.status_label}”。",
        )
        return redirect(next_url(request, _queue_url(kind)))


class ReviewBatchView(OrgAdminRequiredMixin, View):
    """A batch: the chosen rows or every row matching the filter, confirmed, then applied."""

    http_method_names = ["post"]
    template_name = "credits/review_batch_confirm.html"

    def post(self, request, kind):
        kind = _kind(kind)
        filter_query = request.POST.get("filter", "")
        back = _queue_url(kind, filter_query)
        form = BatchForm(request.POST, approve_word=approve_word(request.user))
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(back)
        data = form.cleaned_data
        if data["select_all"]:
            _, queryset = _filtered_queue(request.user, kind, QueryDict(filter_query))
            # The matching ids at this moment, in one query.
            ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        else:
            try:
                ids = sorted(
                    ids_parse(request.POST.getlist("ids"), message="所选记录无效，请重新选择。")
                )
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
                return redirect(back)
        if not ids:
            messages.error(request, "请先选择要处理的记录。")
            return redirect(back)
        label = dict(form.fields["action"].choices)[data["action"]]
        if not data["confirmed"]:
            context = {
                "kind": kind,
                "kind_label": KIND_LABELS[kind],
                "count": len(ids),
                "ids": [] if data["select_all"] else ids,
                "select_all": data["select_all"],
                "filter_query": filter_query,
                "action": data["action"],
                "action_label": label,
                "comment": data["comment"],
                "back": back,
                "in_background": not job_runs_inline(REVIEW_BATCH, len(ids)),
            }
            return render(request, self.template_name, context)
        try:
            applied = review_batch_start(
                actor=request.user,
                kind=kind,
                ids=ids,
                action=data["action"],
                comment=data["comment"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        if isinstance(applied, Job):
            messages.info(request, f"已开始在后台批量{label} {len(ids)} 条记录。")
            return redirect("job-detail", applied.pk)
        text = batch_summary(label, applied.count, applied.skipped)
        (messages.warning if applied.skipped else messages.success)(request, text)
        return redirect(back)


def review_waiting(user) -> list[Waiting]:
    """待我处理 on the home page: per kind, how many records wait at this admin's step."""
    counts = queue_counts(user)
    url = reverse("credits:review-queue")
    return [
        Waiting(f"review-{kind}", f"{label}待审核", counts[kind], f"{url}?kind={kind}")
        for kind, label in KIND_LABELS.items()
        if kind in counts
    ]
