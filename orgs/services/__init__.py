"""Writes for social organisations and social work, one module per aggregate: organisations (the
registry and its status changes), reports (annual reports and the 1 June check), grades, supervision,
lists (the abnormal-activity and dishonesty lists), workers (social workers and stations) and
facilities (community service facilities and volunteer records). The form, the API and the import
all come through here, so one rule gives one error whichever door the data came through.

Every rule is checked in Python on the instance (`clean_fields` and the module's own checks), never
through `full_clean`'s per-constraint queries, so the registry import validates a whole sheet with
a fixed number of queries; the database constraints are the same rules, as a backstop."""
