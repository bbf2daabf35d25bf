from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from .health import run_checks
from .home import home_panels, public_panels, waiting_for
from .selectors import jobs_visible_to
from .services import job_retry


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            home_panels=home_panels(user),
            public_panels=public_panels(user),
            waiting=waiting_for(user),
            **kwargs,
        )


class RegisterGuideView(TemplateView):
    template_name = "portal/register_guide.html"


class HealthzView(View):
    def get(self, request):
        healthy, components = run_checks()
        payload = {"status": "ok" if healthy else "error", "components": components}
        if not healthy:
            payload["reasons"] = {
                name: component.get("error", "不可用")
                for name, component in components.items()
                if not component["ok"]
            }
        return JsonResponse(
            payload, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False}
        )


class JobListView(LoginRequiredMixin, ListView):
    template_name = "portal/job_list.html"
    context_object_name = "jobs"
    paginate_by = 20

    def get_queryset(self):
        return jobs_visible_to(self.request.user).only(
            "id", "kind", "status", "done", "total", "created_at", "finished_at"
        )


class JobDetailView(LoginRequiredMixin, DetailView):
    template_name = "portal/job_detail.html"
    context_object_name = "job"

    def get_object(self, queryset=None):
        return get_object_or_404(jobs_visible_to(self.request.user), pk=self.kwargs["pk"])


def job_payload(job) -> dict:
    return {
        "id": str(job.pk),
        "kind": job.kind_label,
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": job.is_finished,
        "result": job.result,
        "error": job.error_report,
        "result_url": reverse("job-result", args=[job.pk]) if job.result_file else "",
    }


class JobProgressView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
        response = JsonResponse(job_payload(job), json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = "no-store"
        return response


class JobRetryView(LoginRequiredMixin, View):
    """重试: puts a failed job of the user's back in the queue (job_retry audits it); it
    resumes from its recorded position. A kind's own page subclasses it with its jobs, its
    words and its page."""

    http_method_names = ["post"]
    retried_message = "已重新开始该任务，将从中断处继续执行。"
    not_failed_message = "该任务没有失败，无需重试。"

    def jobs(self):
        return jobs_visible_to(self.request.user)

    def page_url(self, job) -> str:
        return reverse("job-detail", args=[job.pk])

    def post(self, request, pk):
        job = get_object_or_404(self.jobs(), pk=pk)
        if job_retry(job_id=str(job.pk), actor=request.user):
            messages.success(request, self.retried_message)
            return redirect("job-detail", job.pk)
        messages.error(request, self.not_failed_message)
        return redirect(self.page_url(job))


class JobResultView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
        if not job.result_file:
            raise Http404("该任务没有结果文件")
        name = job.result_file.name.rsplit("/", 1)[-1]
        return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name)
