from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import UserCreateForm, apply_errors
from core.models import User
from core.roles import MANAGE_USERS
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
