from rest_framework import permissions


class RoleModelPermissions(permissions.DjangoModelPermissions):
    """Deny by default: authenticated, and the role's model permission for every method, reads
    included (DRF's default lets any authenticated user read)."""

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }


class HasPermission(permissions.BasePermission):
    """`permission_classes = [HasPermission.of("core.import_data")]` for views without a model."""

    required: tuple[str, ...] = ()

    @classmethod
    def of(cls, *perms: str):
        return type("HasPermission", (cls,), {"required": perms})

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perms(self.required))
