"""Pages of the indicators app (one module per page group)."""
