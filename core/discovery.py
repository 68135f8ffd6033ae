"""How the kernel finds what each app declares, without naming any app.

An app of this project (a package under the project's folder, listed in INSTALLED_APPS) declares
itself by convention, the way Django's admin finds `admin.py`:

- `<app>/roles.py`     `ROLE_PERMISSIONS = {Role.STAFF: ["app.add_thing", ...], ...}`
- `<app>/demo.py`      `seed(*, scale, log)`, idempotent; `DEPENDS_ON = ("other_app",)` when its
                       demo data reads another app's (seed_demo runs the apps in that order);
                       `RUNS_LAST = True` when it reads every app's (the indicators' recompute)
- `<app>/templates/<app>/_nav.html`         its entries in the top menu
- `<app>/templates/<app>/_import_nav.html`  its entries in the 导入 menu
- `<app>/templates/<app>/_home.html`        its cards on the home page (context: `role`)
- registries filled in `AppConfig.ready()`: importers (core.imports), person categories
  (core.categories), payment programmes (core.payments), death receivers (core.events),
  indicator providers (indicators.providers).

`config/` routes each app's URLs and API; nothing in core names an app."""

from functools import cache
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from types import ModuleType

from django.apps import AppConfig, apps
from django.conf import settings


def project_apps() -> list[AppConfig]:
    """The project's own apps other than core, in INSTALLED_APPS order."""
    base = Path(settings.BASE_DIR).resolve()
    return [
        config
        for config in apps.get_app_configs()
        if config.name != "core" and Path(config.path).resolve().parent == base
    ]


def app_modules(module_name: str) -> list[tuple[AppConfig, ModuleType]]:
    """Every project app's `<app>.<module_name>` that exists, imported."""
    found = []
    for config in project_apps():
        dotted = f"{config.name}.{module_name}"
        if find_spec(dotted) is not None:
            found.append((config, import_module(dotted)))
    return found


@cache
def app_templates(name: str) -> tuple[str, ...]:
    """Template names `<app>/<name>` that the project's apps ship in their own templates folder."""
    return tuple(
        f"{config.label}/{name}"
        for config in project_apps()
        if (Path(config.path) / "templates" / config.label / name).is_file()
    )


def demo_modules() -> list[ModuleType]:
    """The apps' demo modules, each after the apps named in its DEPENDS_ON; those that declare
    RUNS_LAST (they compute from every app's records) after all the others."""
    found = {config.label: module for config, module in app_modules("demo")}
    modules = {label: m for label, m in found.items() if not getattr(m, "RUNS_LAST", False)}
    ordered: list[ModuleType] = []
    visiting: set[str] = set()

    def visit(label: str) -> None:
        module = modules.get(label)
        if module is None or module in ordered:
            return
        if label in visiting:
            raise RuntimeError(f"demo data dependencies form a cycle at {label}")
        visiting.add(label)
        for dependency in getattr(module, "DEPENDS_ON", ()):
            visit(dependency)
        visiting.discard(label)
        ordered.append(module)

    for label in modules:
        visit(label)
    return ordered + [m for m in found.values() if getattr(m, "RUNS_LAST", False)]
