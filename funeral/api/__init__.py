"""REST API under /api/v1/funeral/, one module per resource (facilities, records, placements,
waivers, rectifications; shared serializer fields in `fields`) and the router in `urls`.
Serializers check types and shapes only; every rule lives in funeral.services (the same as the
pages and the ledger import)."""
