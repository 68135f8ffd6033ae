from django.utils.functional import SimpleLazyObject

from core.discovery import app_templates
from core.personal import personal_data


def portal_menu(request):
    """The menu and home-page fragments the apps declare (core.discovery): base.html and
    core/home.html include them in order."""
    return {
        "app_nav_templates": app_templates("_nav.html"),
        "app_home_templates": app_templates("_home.html"),
        "app_import_nav_templates": app_templates("_import_nav.html"),
    }


def personal(request):
    """`pd`: core.personal's policy for this user (`{% if pd.full_birth_date %}`, `{% personal value "name" %}`)."""
    return {"pd": SimpleLazyObject(lambda: personal_data(getattr(request, "user", None)))}
