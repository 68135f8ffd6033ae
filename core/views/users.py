from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import UserCreateForm, apply_errors
from core.models import User
from core.roles import MANAGE_USERS
from core.services.access import lockout_message, login_locked_until
from core.services.users import user_create


@login_required
@permission_required(MANAGE_USERS, raise_exception=True)
def user_list(request):
    users = User.objects.select_related("township").order_by("role", "username")
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_create(
                username=data["username"], password=data["password"], role=data["role"],
                township_code=data["township"].code if data["township"] else None, full_name=data["full_name"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已创建用户 %(u)s。") % {"u": user.username})
            return redirect("core:user_list")
    return render(request, "core/user_list.html", {"users": users, "form": form})


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): 429 with the time the lock ends, as a
    page, or as JSON under /api/ (the token endpoint answers the same from core.api.views)."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    until = login_locked_until(request, username)
    message = lockout_message(until) if until else _("账户已锁定，请稍后再试或联系系统管理员。")
    if request.path.startswith("/api/"):
        body = {"detail": message, "code": "account_locked", "locked_until": until.isoformat() if until else None}
        return JsonResponse(body, status=settings.AXES_HTTP_RESPONSE_CODE)
    return render(
        request,
        "registration/locked_out.html",
        {"message": message, "until": until},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
