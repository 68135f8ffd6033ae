"""REST API under /api/v1/eldercare/, one module per resource (institutions with their bed counts and
red/black list entries, facilities, assessments, subsidies with their standards and monthly lists,
visits, training, home adaptations) and the router in `urls`. Serializers check types and shapes only; every
rule lives in eldercare.services (the same as the pages and the Excel import)."""
