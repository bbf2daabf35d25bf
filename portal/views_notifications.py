"""A user's in-portal messages: the list, opening one (marks it read), marking all read."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import ListView

from .http import safe_next
from .models import Notification
from .services import notifications_mark_read


def notifications_of(user):
    """The user's own messages, newest first (another user's answers 404)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


class NotificationListView(LoginRequiredMixin, ListView):
    """Newest first; opening the list marks nothing read."""

    template_name = "portal/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 20

    def get_queryset(self):
        return notifications_of(self.request.user)


class NotificationReadView(LoginRequiredMixin, View):
    """Marks one message read and goes to its link (or back to the list)."""

    def get(self, request, pk):
        notification = get_object_or_404(notifications_of(request.user), pk=pk)
        notifications_mark_read(user=request.user, ids=[notification.pk])
        return redirect(safe_next(request, notification.link) or "notifications")

    post = get


class NotificationReadAllView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        count = notifications_mark_read(user=request.user)
        messages.success(request, f"已将 {count} 条消息标为已读。" if count else "没有未读消息。")
        return redirect("notifications")
