"""帮助中心 (public): how to register, declare, review, print and verify; the FAQ; and
联系我们, every HRSS office's contact, which each office keeps itself."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import ListView, TemplateView

from orgtree.mixins import HrssAdminRequiredMixin
from orgtree.roles import hrss_offices
from portal.forms import form_errors_add, id_parse
from portal.pagination import BoundedPaginator
from portal.uploads import upload_limit_mb

from ..forms import FaqSearchForm, OfficeContactForm
from ..guidance import GUIDANCE
from ..models import OfficeContact
from ..selectors import contact_group, contact_nearest, contacts_above, contacts_all, faq_search
from ..services import office_contact_save


class HelpView(TemplateView):
    template_name = "bulletin/help.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        contact = contact_nearest(user) if user.is_authenticated else None
        return super().get_context_data(contact=contact, **kwargs)


class DeclareGuideView(TemplateView):
    template_name = "bulletin/help_declare.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(guidance=GUIDANCE, limit_mb=upload_limit_mb(), **kwargs)


class FaqListView(ListView):
    template_name = "bulletin/faq.html"
    context_object_name = "entries"
    paginate_by = 50
    paginator_class = BoundedPaginator

    def get_queryset(self):
        self.search = FaqSearchForm(self.request.GET)
        text = self.search.cleaned_data["q"] if self.search.is_valid() else ""
        return faq_search(text)

    def get_context_data(self, **kwargs):
        return super().get_context_data(search=self.search, **kwargs)


class ContactListView(View):
    """Every office's contact grouped by city; a signed-in user's own offices (those at or
    above their orgs, the nearest first) come first. Two queries at most, whatever the count."""

    def get(self, request):
        contacts = contacts_all()
        groups: dict[str, dict] = {}
        for contact in contacts:
            code, name = contact_group(contact)
            groups.setdefault(code, {"code": code, "name": name, "contacts": []})
            groups[code]["contacts"].append(contact)
        own = contacts_above(request.user) if request.user.is_authenticated else []
        editable = bool(hrss_offices(request.user))
        context = {"groups": list(groups.values()), "own": own, "editable": editable}
        return render(request, "bulletin/contact_list.html", context)


class ContactEditView(HrssAdminRequiredMixin, View):
    """联系我们 of an office the user administers (``?office=<id>`` when they run several);
    any other office answers 404, an office below theirs included."""

    template_name = "bulletin/contact_form.html"

    def get_office(self):
        offices = hrss_offices(self.request.user)
        wanted = self.request.GET.get("office")
        if wanted is None:
            return offices[0]
        office_id = id_parse(wanted)
        office = next((office for office in offices if office.pk == office_id), None)
        if office is None:
            raise Http404("人社部门不存在")
        return office

    def get(self, request):
        office = self.get_office()
        contact = OfficeContact.objects.filter(office=office).first()
        return self.render_page(office, OfficeContactForm(instance=contact))

    def post(self, request):
        office = self.get_office()
        form = OfficeContactForm(request.POST)
        if form.is_valid():
            try:
                _, changed = office_contact_save(
                    actor=request.user, office_id=office.pk, **form.cleaned_data
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                if changed:
                    messages.success(request, f"已保存{office.name}的联系方式。")
                else:
                    messages.info(request, "没有修改任何内容。")
                return redirect("bulletin:contacts")
        return self.render_page(office, form)

    def render_page(self, office, form):
        context = {"office": office, "form": form, "offices": hrss_offices(self.request.user)}
        return render(self.request, self.template_name, context)
