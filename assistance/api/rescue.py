"""Vagrant rescue API (placeholder until built)."""

from rest_framework import viewsets

from assistance.models import Rescue
from core.api.permissions import RoleModelPermissions


class RescueViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [RoleModelPermissions]
    queryset = Rescue.objects.none()
