"""Fold an unreleased app's initial migration into the fewest operations: every AddIndex and
AddConstraint on a model the migration creates goes into that CreateModel's options. The schema is
the same; applying it is several times faster (each separate AddConstraint re-renders every model
related to the one it changes, which is most of a test database's set-up time).

Usage: DEBUG=1 python scripts/fold_initial_migration.py APP [MIGRATION]  (default 0001_initial).
Only for a migration no installation has applied yet: an applied one is never run again, so
rewriting it changes nothing there, but the project's rule is that released migrations stay as
they were."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main(app_label: str, name: str = "0001_initial") -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import migrations
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.writer import MigrationWriter

    migration = MigrationLoader(None, ignore_no_migrations=True).disk_migrations[(app_label, name)]
    created = {op.name_lower: op for op in migration.operations if isinstance(op, migrations.CreateModel)}
    before = len(migration.operations)
    operations = []
    for op in migration.operations:
        # Django's optimizer will not move these across the other CreateModels (an AddConstraint
        # "may reference" any model), so they are folded here. On a table the migration creates
        # there are no old rows: NOT VALID (AddCheckConstraintNotValid) is a plain CHECK there.
        if isinstance(op, (migrations.AddIndex, migrations.AddConstraint)) and op.model_name_lower in created:
            options = created[op.model_name_lower].options
            if isinstance(op, migrations.AddIndex):
                options["indexes"] = [*options.get("indexes", []), op.index]
            else:
                options["constraints"] = [*options.get("constraints", []), op.constraint]
            continue
        operations.append(op)
    migration.operations = operations
    # The loader resolved swappable_dependency(settings.AUTH_USER_MODEL); the writer keeps it as such.
    migration.dependencies = [
        ("__setting__", "AUTH_USER_MODEL") if getattr(dep, "setting", None) == settings.AUTH_USER_MODEL else dep
        for dep in migration.dependencies
    ]
    writer = MigrationWriter(migration)
    Path(writer.path).write_text(writer.as_string(), encoding="utf-8")
    for ruff in (["check", "--fix", "-q", "--select", "I"], ["format", "-q"]):  # the project's style
        subprocess.run([sys.executable, "-m", "ruff", *ruff, writer.path], check=False)  # noqa: S603
    print(f"{app_label}.{name}: {before} operations -> {len(migration.operations)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
