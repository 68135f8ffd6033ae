"""Vagrant rescue pages (placeholder until built)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse


@login_required
@permission_required("assistance.view_rescue", raise_exception=True)
def rescue_list(request):
    return HttpResponse("")


@login_required
@permission_required("assistance.add_rescue", raise_exception=True)
def rescue_create(request):
    return HttpResponse("")


@login_required
@permission_required("assistance.view_rescue", raise_exception=True)
def rescue_detail(request, pk):
    return HttpResponse("")


@login_required
@permission_required("assistance.change_rescue", raise_exception=True)
def rescue_edit(request, pk):
    return HttpResponse("")
