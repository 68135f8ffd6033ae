from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assistance import selectors
from assistance.calculation import standard_in_force
from assistance.forms.standards import StandardForm
from assistance.models import Standard
from assistance.services.standards import standard_create
from core.exceptions import ApplicationError
from core.forms import apply_errors


@login_required
@permission_required("assistance.view_standard", raise_exception=True)
def standard_list(request):
    from django.utils import timezone

    today = timezone.localdate()
    in_force = {kind: standard_in_force(kind, today) for kind in Standard.Kind.values}
    return render(
        request,
        "assistance/standard_list.html",
        {"standards": selectors.standard_list(), "in_force": [s for s in in_force.values() if s], "today": today},
    )


@login_required
@permission_required("assistance.add_standard", raise_exception=True)
def standard_new(request):
    form = StandardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            standard = standard_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已录入：%(s)s") % {"s": standard})
            return redirect("assistance:standard_list")
    return render(request, "assistance/standard_form.html", {"form": form})
