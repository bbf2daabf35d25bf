"""更换手机号码: the account's own change, confirmed by an SMS code to the new number, and the
admin's route for one of their people (where the portal has no SMS)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from orgtree.mixins import OrgAdminRequiredMixin
from portal.forms import form_errors_add
from portal.http import client_ip
from portal.sms import mask_phone, sms_available

from ..forms_profile import PhoneCodeForm, PhoneForm
from ..models import Person
from ..selectors import has_approved_person, persons_visible_to, phone_change_pending_of
from ..services import person_phone_set, phone_change_confirm, phone_change_request


def _back(user) -> str:
    return "accounts:me" if has_approved_person(user) else "home"


class PhoneChangeView(LoginRequiredMixin, View):
    """Step 1: the new number; a code goes to it. Without SMS the page names the admin route."""

    template_name = "accounts/profile_phone.html"

    def render_form(self, request, form, status=200):
        context = {
            "form": form,
            "sms": sms_available(),
            "current": mask_phone(request.user.phone) if request.user.phone else "",
            "back": _back(request.user),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_form(request, PhoneForm())

    def post(self, request):
        form = PhoneForm(request.POST)
        if not sms_available() or not form.is_valid():
            return self.render_form(request, form, status=400)
        try:
            phone_change_request(
                actor=request.user, phone=form.cleaned_data["phone"], ip=client_ip(request)
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
            return self.render_form(request, form, status=400)
        return redirect("accounts:phone-change-confirm")


class PhoneChangeConfirmView(LoginRequiredMixin, View):
    """Step 2: the code comes back, and only then the number changes."""

    template_name = "accounts/profile_phone_confirm.html"

    def render_form(self, request, form, status=200):
        pending = phone_change_pending_of(request.user)
        context = {
            "form": form,
            "pending_phone": mask_phone(pending.phone) if pending else "",
            "minutes": settings.PHONE_CHANGE_MINUTES,
            "back": _back(request.user),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        if phone_change_pending_of(request.user) is None:
            messages.info(request, "没有有效的验证码，请先填写新手机号码获取验证码。")
            return redirect("accounts:phone-change")
        return self.render_form(request, PhoneCodeForm())

    def post(self, request):
        form = PhoneCodeForm(request.POST)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        try:
            user = phone_change_confirm(
                actor=request.user, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
            return self.render_form(request, form, status=400)
        messages.success(request, f"手机号码已更换为 {mask_phone(user.phone)}。")
        return redirect(_back(request.user))


class PersonPhoneSetView(OrgAdminRequiredMixin, View):
    """An admin sets the number of one of their people (audited; the person is told)."""

    template_name = "accounts/profile_phone_set.html"

    def get_person(self, pk) -> Person:
        return get_object_or_404(
            persons_visible_to(self.request.user)
            .filter(status=Person.Status.APPROVED)
            .select_related("user", "unit"),
            pk=pk,
        )

    def get(self, request, pk):
        person = self.get_person(pk)
        return render(request, self.template_name, {"person": person, "form": PhoneForm()})

    def post(self, request, pk):
        person = self.get_person(pk)
        form = PhoneForm(request.POST)
        if form.is_valid():
            try:
                person_phone_set(
                    actor=request.user,
                    person_id=person.pk,
                    phone=form.cleaned_data["phone"],
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(request, f"已修改“{person.user.display_name}”的手机号码。")
                return redirect("accounts:person-detail", person.pk)
        context = {"person": person, "form": form}
        return render(request, self.template_name, context, status=400)
