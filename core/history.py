"""The change history every audited model keeps (simple_history), as the portal reads it: one
record's changes at a time, by the record's id (the person page, the admin's history view).

simple_history copies the live table's field indexes into the history table: an index on every
foreign key and on every unique field (with a second, pattern index for a text key such as a
division code). No query reads history by them, and each costs every insert: an import of 100,000
people wrote six such index entries a person. The history table keeps the index on the record's id
and simple_history's own on the change's date and user.

Nor is the change's user a foreign-key constraint: the database would check it on every history row
(100,000 people imported are 233,000 history rows, 0.6 s of checks at the commit), and the user is
always the signed-in user or an import's, set by the portal. Deleting a user through Django still
clears it (on_delete SET_NULL is Django's, not the database's); users are deactivated, not deleted."""

from simple_history.models import HistoricalRecords


class AuditHistory(HistoricalRecords):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("user_db_constraint", False)
        super().__init__(*args, **kwargs)

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name != model._meta.pk.name:
                field.db_index = False
        return fields
