"""我的学时: one year of a professional, per subject, against the year's requirement, and the
学时申报 deadlines of the recent years (issue 18)."""

from django.utils import timezone
from django.views.generic import TemplateView

from accounts.views.mixins import ProfessionalRequiredMixin

from ..deadlines import declare_states
from ..forms import YearForm
from ..home import RECENT_YEARS
from ..requirements import person_year_evaluate
from ..selectors import declarations_of, exemptions_of
from ..services.exemptions import LIVE


class PersonYearDetailView(ProfessionalRequiredMixin, TemplateView):
    template_name = "credits/person_year_detail.html"

    def get_context_data(self, **kwargs):
        form = YearForm(self.request.GET or None)
        if form.is_valid():
            year = form.cleaned_data["year"]
        else:
            year = timezone.localdate().year
            form = YearForm(initial={"year": year})
        user = self.request.user
        evaluation = person_year_evaluate(person=self.person, year=year)
        declarations = declarations_of(user).filter(year=year).order_by("-created_at", "-pk")
        exemptions = list(exemptions_of(user).filter(year=year).order_by("-created_at", "-pk"))
        this_year = timezone.localdate().year
        # The year shown and the recent years, from one calendar.
        deadlines = declare_states(
            self.person, {year, *range(this_year, this_year - RECENT_YEARS, -1)}
        )
        return super().get_context_data(
            year=year,
            year_form=form,
            evaluation=evaluation,
            subjects=[evaluation.public, evaluation.professional],
            declarations=declarations,
            exemptions=exemptions,
            may_apply_exemption=not any(e.status in LIVE for e in exemptions),
            deadlines=deadlines,
            year_deadline=next(row for row in deadlines if row.year == year),
            **kwargs,
        )
