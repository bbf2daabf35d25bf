import datetime
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View

from orgtree.calendar import registration_notice
from orgtree.models_calendar import DeadlineKind
from portal.forms import form_errors_add
from portal.http import client_ip
from portal.ratelimit import rate_limit_hit, rate_limit_retry_after

from ..forms import PersonRegisterForm, RegionSearchForm
from ..services import person_register
from .mixins import UnitSearchMixin

REGISTERED_SESSION_KEY = "registered_person"
RATE_SCOPE = "person-register"


class PersonRegisterView(UnitSearchMixin, View):
    """A professional registers under a unit: region and unit search first, then the form.

    A registered ID number is answered like a new one (see ``person_register``), so the page
    never tells who is registered; the submissions are limited per client address.
    """

    template_name = "accounts/person_register.html"

    def get(self, request):
        context = self.search(RegionSearchForm(request.GET or None))
        if context["region"] is not None:
            context["form"] = PersonRegisterForm(units=context["units"])
        return render(request, self.template_name, context)

    def search(self, form) -> dict:
        """The unit search, and whether the chosen region's registration has closed or is about
        to (issue 18), said before the form is filled. The region is the one chosen: a county
        unit's own row, if its county set one, is applied when the form is submitted."""
        context = self.unit_search(form)
        region = context["region"]
        context["deadline_notice"] = (
            registration_notice(DeadlineKind.PERSON_REGISTRATION, region.code) if region else ""
        )
        return context

    def post(self, request):
        context = self.search(RegionSearchForm(request.POST))
        ip = client_ip(request)
        if rate_limit_hit(
            scope=RATE_SCOPE,
            key=ip,
            limit=settings.PERSON_REGISTER_RATE_LIMIT,
            window_seconds=settings.PERSON_REGISTER_RATE_WINDOW_SECONDS,
        ):
            return self.refused(request, context)
        form = PersonRegisterForm(request.POST, units=context["units"])
        context["form"] = form
        if not form.is_valid():
            return render(request, self.template_name, context)
        if context["region"] is None:
            form.add_error(None, "请先选择所在地区并查找单位。")
            return render(request, self.template_name, context)
        data = form.cleaned_data
        try:
            registration = person_register(
                id_number=data["id_number"],
                name=data["name"],
                phone=data["phone"],
                title_level=data["title_level"],
                region_code=context["region"].code,
                unit_id=data["unit"],
                password=data["password"],
                legacy_cert_no=data["legacy_cert_no"],
                ip=ip,
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
            return render(request, self.template_name, context)
        # What was submitted, not a database row: the done page must read the same whether or
        # not the number was registered before.
        request.session[REGISTERED_SESSION_KEY] = registration.summary
        return redirect("accounts:register-done")

    def refused(self, request, context):
        """Over the limit: the page again with what was typed (passwords excepted), nothing
        checked and nothing stored."""
        retry_after = rate_limit_retry_after(
            window_seconds=settings.PERSON_REGISTER_RATE_WINDOW_SECONDS
        )
        context["form"] = PersonRegisterForm(initial=request.POST.dict(), units=context["units"])
        context["rate_message"] = (
            f"提交过于频繁，请 {math.ceil(retry_after / 60)} 分钟后再试。您填写的信息尚未提交。"
        )
        response = render(request, self.template_name, context, status=429)
        response["Retry-After"] = str(retry_after)
        return response


class PersonRegisterDoneView(View):
    """What was submitted, with the birth date and gender derived from the ID number; the same
    page whether the registration was made or the number already had an account."""

    def get(self, request):
        submitted = request.session.get(REGISTERED_SESSION_KEY)
        if not isinstance(submitted, dict):  # none, or a person's id kept by an earlier release
            return redirect("accounts:register")
        submitted = {
            **submitted,
            "birth_date": datetime.date.fromisoformat(submitted["birth_date"]),
        }
        return render(request, "accounts/person_register_done.html", {"submitted": submitted})
