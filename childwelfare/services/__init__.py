"""Every write of the child welfare app, one module per aggregate; forms, the API, the ledger import
and the demo all call these."""
