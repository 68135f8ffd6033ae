from django.db import migrations, models
from django.db.models import Count


def refuse_duplicate_adoptions(apps, schema_editor):
    """A double submit could register one child twice. Which registration is the real one is the
    bureau's decision (both carry a certificate number), so the migration names them and stops."""
    Adoption = apps.get_model("childwelfare", "Adoption")
    doubled = Adoption.objects.values("child_id").annotate(n=Count("id")).filter(n__gt=1).values("child_id")
    numbers = sorted(Adoption.objects.filter(child_id__in=doubled).values_list("registration_no", flat=True))
    if numbers:
        raise RuntimeError(
            "Children registered for adoption more than once; remove the wrong registration(s) before migrating: "
            + ", ".join(numbers)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("childwelfare", "0006_history_indexed_by_record_only"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicate_adoptions, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="adoption",
            constraint=models.UniqueConstraint(
                fields=("child",),
                name="adoption_one_per_child",
                violation_error_message="该儿童已办理收养登记，不能重复登记。",
            ),
        ),
    ]
