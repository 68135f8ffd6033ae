"""Orgs permissions per role (merged into the role groups by core.roles after every migrate)."""

from core.roles import Role

_MODELS = (
    "organisation", "statuschange", "annualreport", "gradeevaluation", "supervision", "listentry",
    "socialworker", "socialworkstation", "communityfacility", "volunteerrecord",
)  # fmt: skip
_VIEW = [f"orgs.view_{m}" for m in _MODELS]
#: What a township keeps in its own township: its social workers, station, facilities and volunteers.
_TOWNSHIP_WORK = [
    "orgs.add_socialworker", "orgs.change_socialworker", "orgs.add_socialworkstation",
    "orgs.change_socialworkstation", "orgs.add_communityfacility", "orgs.change_communityfacility",
    "orgs.add_volunteerrecord",
]  # fmt: skip

ROLE_PERMISSIONS = {
    # The bureau registers organisations and keeps their reports, grades, supervision and the lists.
    Role.STAFF: [
        *_VIEW,
        *_TOWNSHIP_WORK,
        "orgs.add_organisation",
        "orgs.change_organisation",
        "orgs.add_annualreport",
        "orgs.change_annualreport",
        "orgs.add_gradeevaluation",
        "orgs.add_supervision",
        "orgs.add_listentry",
        "orgs.change_listentry",
    ],
    # A township officer sees and corrects the organisations of their township and records their reports.
    Role.TOWNSHIP_OFFICER: [*_VIEW, *_TOWNSHIP_WORK, "orgs.change_organisation", "orgs.add_annualreport"],
    Role.VILLAGE_ASSISTANT: [
        "orgs.view_communityfacility",
        "orgs.view_volunteerrecord",
        "orgs.add_volunteerrecord",
        "orgs.view_socialworkstation",
    ],
    Role.LEADER: list(_VIEW),
    Role.API_CLIENT: list(_VIEW),
}
