"""Migration operations the stock ones lack.

AddCheckConstraintNotValid: a CHECK constraint added to a table that already holds data. PostgreSQL
checks every existing row when a CHECK is added and aborts the migration if one fails; rows saved
before the limit existed (an outside probe's 1800-01-01, a 100,000-character reason) must not be
deleted or altered to make room, and must not block the upgrade either. On PostgreSQL the constraint
is added NOT VALID: every row inserted or updated from then on is checked, the rows already there are
left for review. `manage.py check_constraints` lists them; once they are fixed,
`manage.py check_constraints --validate` makes the constraint fully valid. Elsewhere (SQLite for the
quick start) it behaves exactly as AddConstraint.

The migration state is the same as AddConstraint's, so `makemigrations` sees no difference.

AlterKeyIndex: an AlterField that changes only whether a foreign key has its own index. Django's
alter_field drops the key's constraint and adds it again (checking every row of the table, under a
lock on both tables, to the end of the migration), and drops every single-column index on the column
that Meta.indexes does not name, a partial unique constraint of Meta.constraints included. This one
drops or makes the field's own index (and its LIKE pattern twin on PostgreSQL, for a character key)
by the names Django gives them, and touches nothing else. The state is AlterField's.
"""

from django.db import models
from django.db.migrations import AddConstraint, AlterConstraint, AlterField


class AddCheckConstraintNotValid(AddConstraint):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql" or not isinstance(self.constraint, models.CheckConstraint):
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        # "CONSTRAINT <name> CHECK (<expression>)", compiled by the schema editor as AddConstraint would.
        definition = self.constraint.constraint_sql(model, schema_editor)
        sql = f"ALTER TABLE {schema_editor.quote_name(model._meta.db_table)} ADD {definition} NOT VALID"
        # The SQL is already interpolated (as in BaseDatabaseSchemaEditor.add_constraint): no params.
        schema_editor.execute(sql, params=None)

    # database_backwards is AddConstraint's: it drops the constraint, valid or not.

    def describe(self):
        return f"Create constraint {self.constraint.name} on model {self.model_name} (NOT VALID on PostgreSQL)"

    def reduce(self, operation, app_label):
        # AddConstraint folds a later AlterConstraint into a plain AddConstraint; keep NOT VALID when squashing.
        if (
            isinstance(operation, AlterConstraint)
            and self.model_name_lower == operation.model_name_lower
            and self.constraint.name == operation.name
        ):
            return [self.__class__(self.model_name, operation.constraint)]
        return super().reduce(operation, app_label)


class AlterKeyIndex(AlterField):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._switch(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._switch(app_label, schema_editor, from_state, to_state)

    def _switch(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        old = from_state.apps.get_model(app_label, self.model_name)._meta.get_field(self.name)
        new = model._meta.get_field(self.name)
        if old.db_index == new.db_index or not (old.is_relation and new.is_relation):
            raise ValueError(f"AlterKeyIndex changes a foreign key's db_index alone: {self.model_name}.{self.name}")
        table, column = model._meta.db_table, new.column
        name = schema_editor._create_index_name(table, [column])
        like = schema_editor._create_index_name(table, [column], suffix="_like")
        pattern = schema_editor.connection.vendor == "postgresql" and new.target_field.get_internal_type() in (
            "CharField",
            "TextField",
        )
        q = schema_editor.quote_name
        if new.db_index:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {q(name)} ON {q(table)} ({q(column)})")
            if pattern:
                schema_editor.execute(
                    f"CREATE INDEX IF NOT EXISTS {q(like)} ON {q(table)} ({q(column)} varchar_pattern_ops)"
                )
        else:
            schema_editor.execute(f"DROP INDEX IF EXISTS {q(name)}")
            if pattern:
                schema_editor.execute(f"DROP INDEX IF EXISTS {q(like)}")

    def describe(self):
        return f"Alter the own index of key {self.name} on {self.model_name}"
