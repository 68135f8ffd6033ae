"""Writes for assistance (one module per subject; import from the module)."""
