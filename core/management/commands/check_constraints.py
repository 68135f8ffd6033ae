"""Review the CHECK constraints added NOT VALID (core.migration_operations.AddCheckConstraintNotValid).

    manage.py check_constraints             # list them and the rows that break them
    manage.py check_constraints --validate  # also VALIDATE those no row breaks any more

A NOT VALID constraint already refuses every new or changed row; only rows saved before it existed
may break it. Nothing here changes a row: an administrator corrects them (through the portal or by
hand), then validates. Exits non-zero while any row still breaks a constraint. Every UPDATE of such a
row is checked against all its constraints, so a row that breaks two must be corrected in one go.
"""

import re

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

UNVALIDATED_CHECKS = """
    SELECT n.nspname, cl.relname, c.conname, pg_get_constraintdef(c.oid)
    FROM pg_constraint c
    JOIN pg_class cl ON cl.oid = c.conrelid
    JOIN pg_namespace n ON n.oid = cl.relnamespace
    WHERE c.contype = 'c' AND NOT c.convalidated AND n.nspname = ANY (current_schemas(false))
    ORDER BY cl.relname, c.conname
"""

PRIMARY_KEY_COLUMNS = """
    SELECT a.attname
    FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
    WHERE i.indrelid = %s::regclass AND i.indisprimary
"""

# pg_get_constraintdef gives "CHECK (<expression>) [NO INHERIT] [NOT VALID]".
CHECK_DEFINITION = re.compile(r"^CHECK \((?P<expression>.*)\)(?: NO INHERIT)?(?: NOT VALID)?$", re.DOTALL)


class Command(BaseCommand):
    help = "列出尚未生效校验（NOT VALID）的数据库约束及违反约束的记录；加 --validate 校验已无违规记录的约束。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--validate",
            action="store_true",
            help="对已没有违规记录的约束执行 VALIDATE CONSTRAINT，使其对全部数据生效。",
        )
        parser.add_argument("--limit", type=int, default=20, help="每条约束最多列出多少个违规记录编号（默认 20）。")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名（默认 default）。")

    def handle(self, *args, validate=False, limit=20, database=DEFAULT_DB_ALIAS, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            self.stdout.write(f"当前数据库（{connection.vendor}）不使用延后校验的约束，无需检查。")
            return

        quote = connection.ops.quote_name
        models_by_table = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
        with connection.cursor() as cursor:
            cursor.execute(UNVALIDATED_CHECKS)
            pending = cursor.fetchall()
            if not pending:
                self.stdout.write(self.style.SUCCESS("所有检查约束均已对全部数据生效，无需处理。"))
                return

            self.stdout.write(f"共有 {len(pending)} 条检查约束尚未对已有数据生效（新录入、修改的数据已按约束检查）：\n")
            broken = validated = 0
            for schema, table, name, definition in pending:
                match = CHECK_DEFINITION.match(definition)
                if not match:  # pragma: no cover - PostgreSQL always prints CHECK constraints this way
                    raise CommandError(f"无法解析约束 {name} 的定义：{definition}")
                qualified = f"{quote(schema)}.{quote(table)}"
                cursor.execute(PRIMARY_KEY_COLUMNS, [qualified])
                keys = [row[0] for row in cursor.fetchall()]
                key = quote(keys[0]) if len(keys) == 1 else "ctid"
                # Identifiers quoted, the expression PostgreSQL's own text of the constraint: no user input.
                condition = f"NOT ({match['expression']})"
                cursor.execute(f"SELECT count(*) FROM {qualified} WHERE {condition}")  # noqa: S608
                count, ids = cursor.fetchone()[0], []
                if count:  # no query parameters: the expression may hold a literal "%"
                    first = f"SELECT {key} FROM {qualified} WHERE {condition} ORDER BY {key} LIMIT {int(limit)}"  # noqa: S608
                    cursor.execute(first)
                    ids = [str(row[0]) for row in cursor.fetchall()]

                label = describe(models_by_table.get(table), table, name)
                if count:
                    broken += 1
                    shown = "、".join(ids) + ("……" if count > len(ids) else "")
                    self.stdout.write(self.style.WARNING(f"● {label}"))
                    self.stdout.write(f"  条件：{match['expression']}")
                    self.stdout.write(self.style.WARNING(f"  违规记录 {count} 条，编号：{shown}"))
                elif validate:
                    cursor.execute(f"ALTER TABLE {qualified} VALIDATE CONSTRAINT {quote(name)}")
                    validated += 1
                    self.stdout.write(f"○ {label} —— 无违规记录，已校验生效。")
                else:
                    self.stdout.write(f"○ {label} —— 无违规记录，可校验生效。")

        ready = len(pending) - broken - validated
        summary = f"\n小结：{validated} 条已校验生效，{ready} 条可校验生效，{broken} 条仍有违规记录。"
        if not validate and ready:
            summary += "执行 manage.py check_constraints --validate 使无违规记录的约束生效。"
        if broken:
            self.stdout.write(summary)
            raise CommandError(
                "仍有违规记录：请按上面列出的编号更正这些记录（一次改正同一记录的全部问题，否则保存会被拒绝），"
                "再执行 manage.py check_constraints --validate。",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(summary))


def describe(model, table: str, name: str) -> str:
    """“个案（assistance_case）· case_applied_on_plausible：日期应在……”, as much as the model tells."""
    if model is None:
        return f"{table} · {name}"
    label = f"{model._meta.verbose_name}（{table}）· {name}"
    constraint = next((c for c in model._meta.constraints if c.name == name), None)
    message = getattr(constraint, "violation_error_message", None)
    if message and constraint.violation_error_message != constraint.default_violation_error_message:
        label += f"：{message}"
    return label
