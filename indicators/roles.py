"""Indicators permissions per role (merged into the role groups by core.roles after every migrate)."""

from core.roles import Role

#: The plan's indicators and key projects are read by every role.
_PLAN_READ = [
    "indicators.view_indicator",
    "indicators.view_keyproject",
    "indicators.view_previousplanresult",
    "indicators.view_basestatistic",
    "indicators.view_yearapproval",
]

ROLE_PERMISSIONS = {
    # The bureau enters base statistics and manual values, runs the recompute and approves a year.
    Role.STAFF: [
        *_PLAN_READ,
        "indicators.add_basestatistic",
        "indicators.change_basestatistic",
        "indicators.add_recomputerun",
        "indicators.view_recomputerun",
        "indicators.add_manualvalue",
        "indicators.add_valuechoice",
        "indicators.add_yearapproval",
        "indicators.change_keyproject",
    ],
    Role.TOWNSHIP_OFFICER: list(_PLAN_READ),
    Role.VILLAGE_ASSISTANT: list(_PLAN_READ),
    Role.LEADER: list(_PLAN_READ),
    Role.API_CLIENT: list(_PLAN_READ),
}
