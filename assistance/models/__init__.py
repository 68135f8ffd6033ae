"""Social assistance (plan ch.2 §1): dibao, tekun, edge-family and temporary assistance cases from
application to monthly payment, the standards they are computed from, and vagrant rescue.

One module per area; every model is re-exported here, where Django (and the migrations, which
name `assistance.models._document_path`) look for them:

- standards.py: Standard, BenefitTier, Holiday
- cases.py: Case, CaseMember, IncomeItem, AssetItem, CaseDocument, Decision, Transition, Objection
- rescue.py: Rescue
"""

from assistance.models.cases import (
    AssetItem,
    Case,
    CaseDocument,
    CaseMember,
    Decision,
    IncomeItem,
    Objection,
    Transition,
    _document_path,
)
from assistance.models.rescue import Rescue
from assistance.models.standards import BenefitTier, Holiday, Standard

__all__ = [
    "AssetItem",
    "BenefitTier",
    "Case",
    "CaseDocument",
    "CaseMember",
    "Decision",
    "Holiday",
    "IncomeItem",
    "Objection",
    "Rescue",
    "Standard",
    "Transition",
    "_document_path",
]
