"""The admin's directory of their subtrees, one org's page, its Excel export and filing form."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.views import View

from portal.exports import xlsx_bytes, xlsx_response
from portal.http import client_ip

from ..forms import OrgChildrenSearchForm, OrgDirectorySearchForm
from ..mixins import OrgAdminRequiredMixin
from ..models import Org
from ..people import people_counter
from ..roles import roles_of
from ..selectors import directory_nodes, orgs_visible_to
from ..services import org_children_export_log
from ..services.admins import MAX_ADMINS

CHILDREN_PER_PAGE = 50
EXPORT_CHUNK = 100  # children per counting query when exporting a whole level


class OrgDirectoryView(OrgAdminRequiredMixin, View):
    template_name = "orgtree/org_directory.html"

    def get(self, request):
        search = OrgDirectorySearchForm(request.GET)
        text = search.cleaned_data["q"].strip() if search.is_valid() else ""
        page = None
        if text:
            found = (
                orgs_visible_to(request.user)
                .filter(Q(name__icontains=text) | Q(credit_code__icontains=text.upper()))
                .select_related("parent", "region__parent")
                .order_by("tree_id", "lft")
            )
            page = Paginator(found, CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "nodes": directory_nodes(request.user),
            "search": search,
            "text": text,
            "page_obj": page,
        }
        return render(request, self.template_name, context)


def children_of(org: Org, text: str):
    children = Org.objects.filter(parent=org).select_related("region__parent").order_by("lft")
    if text:
        children = children.filter(name__icontains=text)
    return children


class OrgDetailView(OrgAdminRequiredMixin, View):
    template_name = "orgtree/org_detail.html"

    def get(self, request, pk):
        org = get_object_or_404(
            orgs_visible_to(request.user).select_related("region__parent", "parent", "decided_by"),
            pk=pk,
        )
        search = OrgChildrenSearchForm(request.GET)
        text = search.cleaned_data["q"].strip() if search.is_valid() else ""
        children = children_of(org, text)
        if request.GET.get("export") == "xlsx":
            return self.export(org, children)
        page = Paginator(children, CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
        counter = people_counter()
        counts = counter(org, list(page.object_list)) if counter else None
        ancestor_ids = [int(part) for part in org.path.strip("/").split("/")[:-1]]
        ancestors = list(
            orgs_visible_to(request.user).filter(pk__in=ancestor_ids).order_by("level")
        )
        admins = list(org.admins.filter(active=True).select_related("user").order_by("pk"))
        context = {
            "org": org,
            "ancestors": ancestors,
            "parent_in_scope": bool(ancestors) and ancestors[-1].pk == org.parent_id,
            "search": search,
            "people_counted": counts is not None,
            "rows": [
                (child, *(counts[child.pk] if counts else (None, None)))
                for child in page.object_list
            ],
            "own_counts": counts[org.pk] if counts else None,
            "page_obj": page,
            "admins": admins,
            "can_add_admin": org.status == Org.Status.APPROVED and len(admins) < MAX_ADMINS,
            # An admin above the org may issue its admins a password reset code.
            "admins_resettable": all(own.pk != org.pk for own in roles_of(request.user).orgs),
            "max_admins": MAX_ADMINS,
        }
        return render(request, self.template_name, context)

    def export(self, org: Org, children):
        children = list(children)
        counter = people_counter()
        counts: dict[int, tuple[int, int]] = {}
        for start in range(0, len(children) if counter else 0, EXPORT_CHUNK):
            counts.update(counter(org, children[start : start + EXPORT_CHUNK]))
        rows = [
            (
                child.name,
                child.get_kind_display(),
                child.credit_code or "",
                child.region.full_name,
                child.get_status_display(),
                *counts.get(child.pk, ()),
            )
            for child in children
        ]
        org_children_export_log(
            actor=self.request.user, org=org, rows=len(rows), ip=client_ip(self.request)
        )
        content, _ = xlsx_bytes(
            "下级机构",
            [
                "机构名称",
                "类型",
                "统一社会信用代码",
                "所在地区",
                "状态",
                *(["已通过人员", "待审核人员"] if counter else []),
            ],
            rows,
        )
        return xlsx_response(content, f"{org.name}-下级机构.xlsx")


class OrgFilingView(OrgAdminRequiredMixin, View):
    """The 管理员信息备案表 of an org, laid out like the province's form, for printing."""

    template_name = "orgtree/org_filing.html"

    def get(self, request, pk):
        org = get_object_or_404(orgs_visible_to(request.user), pk=pk)
        admins = list(org.admins.filter(active=True).order_by("pk"))
        # With no admin on record the form still prints, with blank lines to fill in by hand.
        context = {"org": org, "admins": admins or [None]}
        return render(request, self.template_name, context)
