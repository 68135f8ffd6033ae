"""Writes for elderly care, one module per aggregate: institutions (with their dated bed counts and
red/black list entries), facilities (community facilities), assessments, subsidies (standards,
roster, the payment-list programme), visits (groups, intervals, records), training and home
adaptations. The pages, the API and the Excel imports all come through here, so one rule gives one
error whichever door the data came through. Error keys name the input field (the model's field
names)."""
