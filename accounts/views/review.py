"""The unit admin's queue of professionals' registrations: approve, reject, batch approve."""

import unicodedata

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView

from orgtree.mixins import OrgAdminRequiredMixin
from orgtree.models import Org
from portal.forms import form_errors_add
from portal.http import redirect_next
from portal.pagination import BoundedPaginator

from ..forms import ReasonForm, RegistrationFilterForm, batch_ids
from ..models import Person
from ..selectors import persons_visible_to, registrations_pending_for
from ..services import person_approve, person_reject

UNIT_OPTION_LIMIT = 200


def search_q(text: str, *, cert_no: bool = False) -> Q:
    """Name contains the text, or the ID number (or certificate number) starts with it."""
    text = unicodedata.normalize("NFKC", text).strip()
    q = Q(user__name__icontains=text) | Q(user__id_number__startswith=text.upper())
    if cert_no:
        q |= Q(cert_no__startswith=text)
    return q


class PersonRegistrationListView(OrgAdminRequiredMixin, ListView):
    template_name = "accounts/person_registration_list.html"
    context_object_name = "persons"
    paginate_by = 20
    paginator_class = BoundedPaginator

    def get_queryset(self):
        pending = registrations_pending_for(self.request.user)
        # Units with something waiting (the first 200 by name); any unit link filters too.
        units = Org.objects.filter(pk__in=pending.values("unit_id")).order_by("name")[
            :UNIT_OPTION_LIMIT
        ]
        self.filter_form = RegistrationFilterForm(self.request.GET or None, units=units)
        if not self.filter_form.is_valid():
            return pending
        data = self.filter_form.cleaned_data
        if data["q"]:
            pending = pending.filter(search_q(data["q"]))
        if data["unit"]:
            pending = pending.filter(unit_id=data["unit"])
        return pending

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class PersonApproveView(OrgAdminRequiredMixin, View):
    def post(self, request, pk):
        try:
            person = person_approve(actor=request.user, person_id=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"已通过“{person.user.display_name}”的注册申请，证书管理号：{person.cert_no}。",
            )
        return redirect_next(request, "accounts:registrations")


class PersonRejectView(OrgAdminRequiredMixin, View):
    template_name = "accounts/person_reject.html"

    def get_person(self, pk) -> Person:
        return get_object_or_404(
            persons_visible_to(self.request.user).select_related("user", "unit"), pk=pk
        )

    def get(self, request, pk):
        self.person = self.get_person(pk)
        if self.person.status != Person.Status.PENDING:
            return self.already_decided()
        return render(
            request,
            self.template_name,
            {"person": self.person, "form": ReasonForm(label="退回原因")},
        )

    def post(self, request, pk):
        self.person = self.get_person(pk)
        form = ReasonForm(request.POST, label="退回原因")
        if form.is_valid():
            try:
                person_reject(actor=request.user, person_id=pk, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    messages.error(request, " ".join(exc.messages))
                    return redirect("accounts:registrations")
                form_errors_add(form, exc)
            else:
                messages.success(
                    request,
                    f"已退回“{self.person.user.display_name}”的注册申请，原因已告知申请人。",
                )
                return redirect("accounts:registrations")
        return render(request, self.template_name, {"person": self.person, "form": form})

    def already_decided(self):
        messages.info(
            self.request,
            f"该注册申请已被处理（{self.person.get_status_display()}），无需重复审核。",
        )
        return redirect("accounts:registrations")


class PersonBatchApproveView(OrgAdminRequiredMixin, View):
    """Approves the ticked registrations one by one (each gets its certificate number)."""

    def post(self, request):
        try:
            ids = batch_ids(request.POST.getlist("ids"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect_next(request, "accounts:registrations")
        names = dict(
            persons_visible_to(request.user).filter(pk__in=ids).values_list("pk", "user__name")
        )
        approved, failures = 0, []
        for pk in ids:
            label = names.get(pk) or f"编号 {pk}"
            try:
                person_approve(actor=request.user, person_id=pk)
            except ValidationError as exc:
                failures.append(f"{label}：{' '.join(exc.messages)}")
            except Http404:
                failures.append(f"{label}：不存在或不在您的管理范围内")
            else:
                approved += 1
        if approved:
            messages.success(request, f"已批量通过 {approved} 人的注册申请。")
        if failures:
            messages.warning(request, f"{len(failures)} 条未能通过：" + "；".join(failures) + "。")
        return redirect_next(request, "accounts:registrations")
