"""Forms collect and shape input for the assistance pages; the services decide validity.
One module per area: cases, standards, payroll, rescue (and the shared widgets)."""
