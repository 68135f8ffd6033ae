"""Assistance's REST API, one module per resource: cases.py, standards.py, payroll.py (payroll
batches), rescue.py; urls.py registers them (mounted by config/api_urls.py)."""
