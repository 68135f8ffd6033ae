"""`field__any_of=[...]`: membership in a long list as one parameter. PostgreSQL reads
`field = ANY(%s)` with the list sent as one array, where `field__in` sends a parameter a value and
Django prepares and compiles each into the statement: checking an import's 100,000 ID numbers against
1.5 million people took 0.72 s with `__in` and 0.36 s with this. Elsewhere (SQLite) it is `IN (...)`.
For text fields, integer fields and the foreign keys to integer ids (an import's households and
people)."""

from django.core.exceptions import EmptyResultSet
from django.db.models import CharField, ForeignKey, IntegerField, Lookup, Model


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        integers = isinstance(field.target_field if field.is_relation else field, IntegerField)
        # As `__in`: a model instance stands for its key, and None matches nothing.
        keys = [v.pk if isinstance(v, Model) else v for v in self.rhs if v is not None]
        values = [int(v) for v in keys] if integers else [str(v) for v in keys]
        if not values:
            raise EmptyResultSet  # matches nothing, as `__in=[]`
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::{'bigint' if integers else 'text'}[])", [*lhs_params, array_literal(values)]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


def array_literal(values: list[int] | list[str]) -> str:
    """An array in PostgreSQL's text form ({1,2} or {"a","b"}), to be sent as one string parameter:
    the driver renders a list as ARRAY['a','b',...], an element at a time, and the database parses
    each element as a literal of its own. For 100,000 ID numbers that took 0.2-0.3 s of a lookup;
    as one string, 0.04 s. Each text is quoted, with its backslashes and quotes escaped."""
    if all(type(v) is int for v in values):
        return "{" + ",".join(map(str, values)) + "}"
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


for field_class in (CharField, IntegerField, ForeignKey):  # AutoField and BigAutoField are IntegerFields
    field_class.register_lookup(AnyOf)
