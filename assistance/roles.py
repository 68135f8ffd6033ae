from core.roles import Role

_READ = [
    "assistance.view_case",
    "assistance.view_standard",
    "assistance.view_decision",
    "assistance.view_transition",
    "assistance.view_rescue",
]
_INTAKE = [
    "assistance.add_case",
    "assistance.change_case",
    "assistance.investigate_case",
    "assistance.add_casedocument",
    "assistance.view_casedocument",
]

#: 公示期补录: the list of notices entered late, for the bureau's supervision of the townships'
#: confirmations (leaders, and bureau staff who audit them).
NOTICE_BACKFILL = "assistance.view_notice_backfill"

ROLE_PERMISSIONS = {
    Role.STAFF: [
        *_READ,
        NOTICE_BACKFILL,
        *_INTAKE,
        "assistance.review_case",
        "assistance.confirm_case",
        "assistance.add_standard",
        "assistance.add_holiday",
        "assistance.view_holiday",
        "assistance.add_rescue",
        "assistance.change_rescue",
        "core.view_paymentbatch",
        "core.add_paymentbatch",
        "core.change_paymentbatch",
    ],
    # 审核确认权限下放至乡镇: township officers review and confirm their township's cases.
    Role.TOWNSHIP_OFFICER: [
        *_READ,
        *_INTAKE,
        "assistance.review_case",
        "assistance.confirm_case",
        "core.view_paymentbatch",
    ],
    # Village assistants enter applications and investigations; they never confirm.
    Role.VILLAGE_ASSISTANT: [*_READ, *_INTAKE],
    Role.LEADER: [*_READ, NOTICE_BACKFILL, "core.view_paymentbatch"],
    Role.API_CLIENT: [*_READ, "core.view_paymentbatch"],
}
