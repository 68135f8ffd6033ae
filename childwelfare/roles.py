"""Child welfare permissions per role (merged into the role groups by core.roles after every migrate)."""

from core.roles import Role

_READ = [
    "childwelfare.view_child",
    "childwelfare.view_childcategory",
    "childwelfare.view_recognition",
    "childwelfare.view_visit",
    "childwelfare.view_station",
    "childwelfare.view_allowancestandard",
    "childwelfare.view_visitinterval",
    "childwelfare.view_childworker",
    "childwelfare.view_carer",
    "childwelfare.view_guardianshipassessment",
]
#: What a village assistant enters: files, categories (distress, left-behind), applications, visits.
_ENTRY = [
    "childwelfare.add_child",
    "childwelfare.change_child",
    "childwelfare.add_childcategory",
    "childwelfare.change_childcategory",
    "childwelfare.add_recognition",
    "childwelfare.add_visit",
    "childwelfare.add_carer",
    "childwelfare.change_carer",
    "childwelfare.add_guardianshipassessment",
]

ROLE_PERMISSIONS = {
    Role.STAFF: [
        *_READ,
        *_ENTRY,
        "childwelfare.confirm_recognition",
        "childwelfare.add_station",
        "childwelfare.change_station",
        "childwelfare.add_childworker",
        "childwelfare.change_childworker",
        "childwelfare.view_adoption",
        "childwelfare.add_adoption",
        "childwelfare.add_allowancestandard",
        "childwelfare.change_visitinterval",
        "childwelfare.change_riskfollowup",
        "core.view_paymentbatch",
        "core.add_paymentbatch",
        "core.change_paymentbatch",
    ],
    # The township verifies recognitions (乡镇核查) and keeps its own station's record.
    Role.TOWNSHIP_OFFICER: [
        *_READ,
        *_ENTRY,
        "childwelfare.verify_recognition",
        "childwelfare.add_station",
        "childwelfare.change_station",
        "childwelfare.add_childworker",
        "childwelfare.change_childworker",
        "core.view_paymentbatch",
    ],
    Role.VILLAGE_ASSISTANT: [*_READ, *_ENTRY],
    Role.LEADER: [*_READ, "childwelfare.view_adoption", "core.view_paymentbatch"],
    Role.API_CLIENT: [*_READ, "childwelfare.view_adoption"],
}
