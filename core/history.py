"""The change history every audited model keeps (simple_history), as the portal reads it: one
record's changes at a time, by the record's id (the person page, the admin's history view).

simple_history copies the live table's field indexes into the history table: an index on every
foreign key and on every unique field (with a second, pattern index for a text key such as a
division code). No query reads history by them, and each costs every insert: an import of 100,000
people wrote six such index entries a person. Nor does any query read history by the change's date
or user across records (the person page and the admin read one record's changes, by its id, and
sort those few), so simple_history's own indexes on them go too: they were 0.3–0.7 s of writing
100,000 people's history rows. The history table keeps one index, on the record's id.

Nor is the change's user a foreign-key constraint: the database would check it on every history row
(100,000 people imported are 233,000 history rows, 0.6 s of checks at the commit), and the user is
always the signed-in user or an import's, set by the portal. Deleting a user through Django still
clears it (on_delete SET_NULL is Django's, not the database's); users are deactivated, not deleted."""

from simple_history.models import HistoricalRecords


class AuditHistory(HistoricalRecords):
    _date_indexing = False  # simple_history's SIMPLE_HISTORY_DATE_INDEX, for the portal's history only

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("user_db_constraint", False)
        super().__init__(*args, **kwargs)

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name != model._meta.pk.name:
                field.db_index = False
        return fields

    def _get_history_user_fields(self):
        fields = super()._get_history_user_fields()
        fields["history_user"].db_index = False
        return fields
