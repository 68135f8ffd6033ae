"""Writes for funeral services, one module per aggregate: facilities, records (death and cremation
records), placements, waivers, configuration (waiver prices and categories) and tombs. The form, the
API and the ledger import all come through here, so one rule gives one error whichever door the data
came through.

Error keys name the input: record fields by their model names, the placement's as `form`,
`facility`, `place`, `placed_on`, the waiver's as `waiver`, `waiver_items`, `urn_price`."""
