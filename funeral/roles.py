"""Funeral permissions per role (merged into the role groups by core.roles after every migrate)."""

from core.roles import Role

_VIEW = [
    "funeral.view_facility",
    "funeral.view_deathrecord",
    "funeral.view_placement",
    "funeral.view_waiver",
    "funeral.view_tombcase",
    "funeral.view_feeitemprice",
    "funeral.view_waivereligiblecategory",
]
_TOMBS = ["funeral.add_tombcase", "funeral.change_tombcase"]

ROLE_PERMISSIONS = {
    # The bureau (and the funeral home's clerks, who hold bureau staff accounts) keep everything.
    Role.STAFF: [
        *_VIEW,
        *_TOMBS,
        "funeral.add_facility",
        "funeral.change_facility",
        "funeral.add_deathrecord",
        "funeral.change_deathrecord",
        "funeral.add_placement",
        "funeral.change_placement",
        "funeral.add_waiver",
        "funeral.add_feeitemprice",
        "funeral.add_waivereligiblecategory",
        "funeral.delete_waivereligiblecategory",
    ],
    # Townships see their own township's records and run the illegal-tomb rectification there.
    Role.TOWNSHIP_OFFICER: [*_VIEW, *_TOMBS],
    Role.VILLAGE_ASSISTANT: ["funeral.view_tombcase", "funeral.view_facility"],
    Role.LEADER: list(_VIEW),
    Role.API_CLIENT: list(_VIEW),
}
