"""The layering rule, checked by import-linter with contracts made from INSTALLED_APPS, so a new
app is covered the day it is installed and nobody keeps a list:

- core imports no app (it discovers them: core/discovery.py);
- indicators imports no app (the apps register providers with it);
- no app imports another: they meet only in core's registries (events, categories, payments,
  imports) and in `indicators.providers`, the one part of indicators an app may import.

Run by `make lint` (and by tests/test_layering.py): exits non-zero and names the offending import."""

import os
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
#: The app whose providers registry the others plug into.
REGISTRY_APP = "indicators"
REGISTRY_MODULE = "indicators.providers"


def contracts_ini() -> str:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from core.discovery import project_apps

    apps = [config.name for config in project_apps()]
    plan_apps = [name for name in apps if name != REGISTRY_APP]
    registry_parts = sorted(
        f"{REGISTRY_APP}.{path.stem}"
        for path in (BASE_DIR / REGISTRY_APP).iterdir()
        if path.suffix == ".py" or (path / "__init__.py").is_file()
        if path.stem != "__init__"
        if f"{REGISTRY_APP}.{path.stem}" != REGISTRY_MODULE
    )

    def lines(names):
        return "".join(f"\n    {name}" for name in names)

    return f"""[importlinter]
root_packages = core{lines(apps)}

[importlinter:contract:kernel]
name = core imports no app
type = forbidden
source_modules = core
forbidden_modules ={lines(apps)}

[importlinter:contract:registry]
name = {REGISTRY_APP} imports no app
type = forbidden
source_modules = {REGISTRY_APP}
forbidden_modules ={lines(plan_apps)}

[importlinter:contract:apps]
name = no app imports another
type = independence
modules ={lines(plan_apps)}

[importlinter:contract:providers]
name = apps use only {REGISTRY_MODULE} of {REGISTRY_APP}
type = forbidden
source_modules ={lines(plan_apps)}
forbidden_modules ={lines(registry_parts)}
"""


def main() -> int:
    from importlinter.cli import lint_imports

    with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as config:
        config.write(contracts_ini())
    try:
        os.chdir(BASE_DIR)
        return lint_imports(config_filename=config.name, no_cache=True, no_logo=True)
    finally:
        os.unlink(config.name)


if __name__ == "__main__":
    sys.exit(main())
