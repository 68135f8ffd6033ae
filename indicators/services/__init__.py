"""Writes for indicators (one module per subject; import from the module)."""
