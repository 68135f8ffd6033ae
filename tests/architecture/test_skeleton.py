"""Every app of the project has the same rooms (README, "Layout"), so a reader who knows one knows
all, and a new app copies a complete one."""

from pathlib import Path

import pytest

from core.discovery import project_apps

#: Rooms every built app has.
REQUIRED = {
    "models": ("models.py", "models/__init__.py"),
    "services": ("services/__init__.py",),
    "selectors": ("selectors.py",),
    "api": ("api/__init__.py",),
    "api urls": ("api/urls.py",),
    "views": ("views/__init__.py",),
    "page urls": ("urls.py",),
    "roles": ("roles.py",),
    "demo": ("demo.py",),
}
#: Shapes that the skeleton replaced: a second way to hold the same thing.
RETIRED = ["services.py", "api.py", "api_urls.py", "views.py", "locale"]


def _built_apps():
    """Apps with models; an app whose chapter is not built yet holds nothing but its AppConfig."""
    return [config for config in project_apps() if list(config.get_models())]


def test_every_project_app_is_listed():
    labels = {config.label for config in project_apps()}
    assert {"assistance", "funeral", "indicators", "orgs", "eldercare", "childwelfare"} <= labels


@pytest.mark.parametrize("config", _built_apps(), ids=lambda c: c.label)
def test_a_built_app_has_every_room_of_the_skeleton(config):
    root = Path(config.path)
    missing = [room for room, options in REQUIRED.items() if not any((root / o).exists() for o in options)]
    assert missing == [], f"{config.label} lacks {missing}"
    retired = [name for name in RETIRED if (root / name).exists()]
    assert retired == [], f"{config.label} still has {retired}"
    assert not list(root.glob("forms_*.py")), "forms live in forms.py or a forms/ package"
    assert (root / "templates" / config.label).is_dir(), "templates live in <app>/templates/<app>/"


def test_an_app_not_built_yet_holds_no_half_skeleton():
    """An app whose chapter is not built holds its AppConfig only (today every app is built)."""
    for config in [c for c in project_apps() if not list(c.get_models())]:
        files = {p.name for p in Path(config.path).iterdir() if p.name != "__pycache__"}
        assert files <= {"__init__.py", "apps.py", "models.py", "migrations"}, config.label
