from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View

from ..forms import PersonRegisterForm, RegionSearchForm, form_add_service_errors
from ..ids import mask_id_number
from ..models import Person
from ..services import person_register
from .mixins import UnitSearchMixin

REGISTERED_SESSION_KEY = "registered_person"


class PersonRegisterView(UnitSearchMixin, View):
    """A professional registers under a unit: region and unit search first, then the form."""

    template_name = "accounts/person_register.html"

    def get(self, request):
        context = self.unit_search(RegionSearchForm(request.GET or None))
        if context["region"] is not None:
            context["form"] = PersonRegisterForm(units=context["units"])
        return render(request, self.template_name, context)

    def post(self, request):
        context = self.unit_search(RegionSearchForm(request.POST))
        form = PersonRegisterForm(request.POST, units=context["units"])
        context["form"] = form
        if not form.is_valid():
            return render(request, self.template_name, context)
        if context["region"] is None:
            form.add_error(None, "请先选择所在地区并查找单位。")
            return render(request, self.template_name, context)
        data = form.cleaned_data
        try:
            person = person_register(
                id_number=data["id_number"],
                name=data["name"],
                phone=data["phone"],
                title_level=data["title_level"],
                region_code=context["region"].code,
                unit_id=data["unit"],
                password=data["password"],
                legacy_cert_no=data["legacy_cert_no"],
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
            return render(request, self.template_name, context)
        request.session[REGISTERED_SESSION_KEY] = person.pk
        return redirect("accounts:register-done")


class PersonRegisterDoneView(View):
    """What was submitted, with the birth date and gender derived from the ID number."""

    def get(self, request):
        person = (
            Person.objects.select_related("user", "unit")
            .filter(pk=request.session.get(REGISTERED_SESSION_KEY))
            .first()
        )
        if person is None:
            return redirect("accounts:register")
        return render(
            request,
            "accounts/person_register_done.html",
            {"person": person, "masked_id_number": mask_id_number(person.user.id_number or "")},
        )
