"""The audit log of an admin's subtrees, filtered, paginated and exportable."""

import datetime
import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import ListView

from portal.exports import xlsx_bytes, xlsx_response
from portal.http import client_ip
from portal.ids import mask_id_number
from portal.pagination import BoundedPaginator

from ..forms import AUDIT_ACTION_LABELS, AuditFilterForm
from ..mixins import OrgAdminRequiredMixin
from ..selectors import audit_path, audit_visible_to, orgs_visible_to
from ..services import audit_export_log
from .common import page_query

AUDIT_EXPORT_LIMIT = 20000


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditLogListView(OrgAdminRequiredMixin, ListView):
    template_name = "orgtree/audit_log_list.html"
    context_object_name = "entries"
    paginate_by = 50
    paginator_class = BoundedPaginator

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        self.org = None
        self.filters = AuditFilterForm(self.request.GET)
        valid = self.filters.is_valid()
        # An org link that names no org of the scope is a page that does not exist, whatever
        # the other filters say.
        if "org" in self.filters.errors:
            raise Http404("机构不存在")
        if self.filters.cleaned_data.get("org"):
            self.org = get_object_or_404(orgs_visible_to(user), pk=self.filters.cleaned_data["org"])
        queryset = audit_visible_to(user).select_related("actor").order_by("-created_at", "-id")
        if self.org is not None:
            queryset = queryset.filter(org_path__startswith=self.org.path)
        if not valid:
            return queryset.none()
        data = self.filters.cleaned_data
        if data["action"]:
            if data["action"].endswith("."):
                queryset = queryset.filter(action__startswith=data["action"])
            else:
                queryset = queryset.filter(action=data["action"])
        if data["date_from"]:
            queryset = queryset.filter(created_at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            next_day = data["date_to"] + datetime.timedelta(days=1)
            queryset = queryset.filter(created_at__lt=_day_start(next_day))
        if data["q"].strip():
            queryset = queryset.filter(target__icontains=data["q"].strip())
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = context["entries"]
        org_ids = {
            int(entry.target[4:])
            for entry in entries
            if entry.target.startswith("org:") and entry.target[4:].isdigit()
        }
        names = dict(
            orgs_visible_to(self.request.user).filter(pk__in=org_ids).values_list("pk", "name")
        )
        context["rows"] = [
            {
                "entry": entry,
                "label": AUDIT_ACTION_LABELS.get(entry.action, entry.action),
                "org_id": self._org_id(entry),
                "org_name": names.get(self._org_id(entry)),
                "actor_login": _actor_login(entry.actor),
                "detail": _detail_text(entry.detail),
            }
            for entry in entries
        ]
        context["filters"] = self.filters
        context["org"] = self.org
        return context

    @staticmethod
    def _org_id(entry) -> int | None:
        if entry.target.startswith("org:") and entry.target[4:].isdigit():
            return int(entry.target[4:])
        return None

    def export(self):
        queryset = self.get_queryset()
        total = queryset.count()
        if total > AUDIT_EXPORT_LIMIT:
            messages.error(
                self.request,
                f"符合条件的记录有 {total} 条，超过单次导出上限 {AUDIT_EXPORT_LIMIT} 条，"
                "请缩小日期范围后再导出。",
            )
            return redirect(f"{self.request.path}?{page_query(self.request)}")
        rows = [
            (
                timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                _actor_login(entry.actor),
                entry.actor.display_name if entry.actor else "系统",
                AUDIT_ACTION_LABELS.get(entry.action, entry.action),
                entry.action,
                entry.target,
                _detail_text(entry.detail),
                entry.ip,
            )
            for entry in queryset.iterator(chunk_size=2000)
        ]
        filters = {key: value for key, value in self.request.GET.items() if key != "export"}
        audit_export_log(
            actor=self.request.user,
            org_path=audit_path(self.request.user, self.org),
            filters=filters,
            rows=len(rows),
            ip=client_ip(self.request),
        )
        content, _ = xlsx_bytes(
            "审计日志",
            ["时间", "操作人账户", "操作人", "操作", "操作代码", "对象", "详情", "IP 地址"],
            rows,
        )
        stamp = timezone.localtime().strftime("%Y%m%d%H%M")
        return xlsx_response(content, f"审计日志-{stamp}.xlsx")


def _actor_login(actor) -> str:
    """The actor's login name; a professional logs in with their ID number, shown masked."""
    if actor is None:
        return ""
    if actor.id_number and actor.username == actor.id_number:
        return mask_id_number(actor.username)
    return actor.username


def _detail_text(detail) -> str:
    if not detail:
        return ""
    return json.dumps(detail, ensure_ascii=False, sort_keys=True)
