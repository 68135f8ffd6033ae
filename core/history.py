"""The change history every audited model keeps (simple_history), as the portal reads it: one
record's changes at a time, by the record's id (the person page, the admin's history view).

simple_history copies the live table's field indexes into the history table: an index on every
foreign key and on every unique field (with a second, pattern index for a text key such as a
division code). No query reads history by them, and each costs every insert: an import of 100,000
people wrote six such index entries a person. The history table keeps the index on the record's id
and simple_history's own on the change's date and user."""

from simple_history.models import HistoricalRecords


class AuditHistory(HistoricalRecords):
    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name != model._meta.pk.name:
                field.db_index = False
        return fields
