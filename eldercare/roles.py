"""Elderly-care permissions per role (merged into the role groups by core.roles after every migrate)."""

from core.roles import Role

_VIEW = [
    "eldercare.view_institution",
    "eldercare.view_bedcount",
    "eldercare.view_communityfacility",
    "eldercare.view_assessment",
    "eldercare.view_subsidy",
    "eldercare.view_subsidystandard",
    "eldercare.view_visit",
    "eldercare.view_visittarget",
    "eldercare.view_visitinterval",
    "eldercare.view_institutionlisting",
    "eldercare.view_trainingsession",
    "eldercare.view_homeadaptation",
]
#: Townships and village assistants keep the visit programme of their township.
_VISITS = ["eldercare.add_visit", "eldercare.add_visittarget", "eldercare.change_visittarget"]
#: Townships take home-adaptation applications and record each step (the bureau too).
_ADAPTATIONS = ["eldercare.add_homeadaptation", "eldercare.change_homeadaptation"]

ROLE_PERMISSIONS = {
    # The bureau registers institutions, sets the subsidy standards, builds and approves the
    # monthly subsidy lists (maker-checker between two staff) and keeps everything.
    Role.STAFF: [
        *_VIEW,
        "eldercare.add_institution",
        "eldercare.change_institution",
        "eldercare.add_institutionlisting",
        "eldercare.change_institutionlisting",
        "eldercare.add_bedcount",
        "eldercare.add_communityfacility",
        "eldercare.change_communityfacility",
        "eldercare.add_assessment",
        "eldercare.add_subsidy",
        "eldercare.change_subsidy",
        "eldercare.add_subsidystandard",
        *_VISITS,
        *_ADAPTATIONS,
        "eldercare.change_visitinterval",
        "eldercare.add_trainingsession",
        "core.view_paymentbatch",
        "core.add_paymentbatch",
        "core.change_paymentbatch",
    ],
    # Townships keep their own community facilities, report their institutions' beds, record
    # assessments of their older people and keep their township's subsidy roster.
    Role.TOWNSHIP_OFFICER: [
        *_VIEW,
        "eldercare.add_bedcount",
        "eldercare.add_communityfacility",
        "eldercare.change_communityfacility",
        "eldercare.add_assessment",
        "eldercare.add_subsidy",
        "eldercare.change_subsidy",
        *_VISITS,
        *_ADAPTATIONS,
        "eldercare.add_trainingsession",
        "core.view_paymentbatch",
    ],
    Role.VILLAGE_ASSISTANT: [*_VIEW, "eldercare.add_assessment", *_VISITS],
    Role.LEADER: [*_VIEW, "core.view_paymentbatch"],
    Role.API_CLIENT: [*_VIEW, "core.view_paymentbatch"],
}
