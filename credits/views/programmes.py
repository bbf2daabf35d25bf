"""培训项目: a training institution's programmes, from which its results are uploaded."""

from abc import ABC, abstractmethod

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView

from orgtree.roles import is_institution_admin
from portal.forms import form_errors_add
from portal.pagination import BoundedPaginator

from ..forms_programmes import ProgrammeFilterForm, ProgrammeForm
from ..intake.institutions import InstitutionResults
from ..intake.programmes import (
    institution_of,
    programme_categories,
    programme_fixed,
    programme_save,
    programmes_managed_by,
)
from ..models import TrainingProgramme


class InstitutionAdminRequiredMixin(UserPassesTestMixin):
    """Anonymous users log in; anyone but an institution's admin gets 403."""

    def test_func(self) -> bool:
        return is_institution_admin(self.request.user)


class ProgrammeListView(InstitutionAdminRequiredMixin, ListView):
    template_name = "credits/programme_list.html"
    context_object_name = "programmes"
    paginate_by = 20
    paginator_class = BoundedPaginator

    def get_queryset(self):
        self.filters = ProgrammeFilterForm(self.request.GET)
        programmes = programmes_managed_by(self.request.user)
        if self.filters.is_valid() and (text := self.filters.cleaned_data["q"].strip()):
            programmes = programmes.filter(title__icontains=text)
        return programmes.annotate(batch_count=Count("batches")).order_by("-start_date", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = dict(programme_categories())
        context.update(
            rows=[
                {"programme": programme, "category": labels.get(programme.category, "")}
                for programme in context["object_list"]
            ],
            filters=self.filters,
            institution=institution_of(self.request.user),
            results_kind=InstitutionResults.key,
        )
        return context


class ProgrammeFormView(ABC, InstitutionAdminRequiredMixin, View):
    template_name = "credits/programme_form.html"

    @abstractmethod
    def get_programme(self) -> TrainingProgramme:
        """A new programme of the user's institution, or the one being edited (404 if not
        theirs)."""

    def get(self, request, **kwargs):
        programme = self.get_programme()
        initial = ProgrammeForm.initial_for(programme) if programme.pk else {}
        return self.render(programme, ProgrammeForm(initial=initial))

    def post(self, request, **kwargs):
        programme = self.get_programme()
        form = ProgrammeForm(request.POST)
        if form.is_valid():
            try:
                saved = programme_save(
                    actor=request.user, programme_id=programme.pk, **form.cleaned_data
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                verb = "修改" if programme.pk else "添加"
                messages.success(request, f"已{verb}培训项目“{saved.title}”。")
                return redirect("credits:programmes")
        return self.render(programme, form)

    def render(self, programme: TrainingProgramme, form: ProgrammeForm):
        context = {
            "programme": programme,
            "form": form,
            "institution": institution_of(self.request.user),
            "fixed": programme.pk is not None and programme_fixed(programme),
        }
        return render(self.request, self.template_name, context)


class ProgrammeCreateView(ProgrammeFormView):
    def get_programme(self) -> TrainingProgramme:
        return TrainingProgramme()


class ProgrammeEditView(ProgrammeFormView):
    def get_programme(self) -> TrainingProgramme:
        return get_object_or_404(programmes_managed_by(self.request.user), pk=self.kwargs["pk"])
