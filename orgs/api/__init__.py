"""REST API under /api/v1/orgs/, one module per resource (organisations with their status changes,
grades, annual reports, supervision, the public lists, social workers and stations, community
facilities and volunteer records) and the router in `urls`. Serializers check types and shapes only;
every rule lives in orgs.services (the same as the pages and the registry import)."""
