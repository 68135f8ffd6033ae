"""REST API for the indicators app (one module per resource; `urls.py` has the router)."""
