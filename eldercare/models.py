# Models for this plan chapter arrive with its own issue.
