"""Child welfare and minor protection (plan ch.2 §2, ch.4 §1): one file per child with its
categories over time, recognitions of orphans and de-facto unsupported children, visits, basic
living allowance standards, minor-protection stations and adoption registrations."""

from .adoption import Adoption
from .children import (
    AllowanceStandard,
    Child,
    ChildCategory,
    Recognition,
    Visit,
    VisitInterval,
)
from .guardianship import Carer, GuardianshipAssessment, RiskFollowUp
from .network import ChildWorker, Station

__all__ = [
    "Adoption",
    "AllowanceStandard",
    "Carer",
    "Child",
    "ChildCategory",
    "ChildWorker",
    "GuardianshipAssessment",
    "Recognition",
    "RiskFollowUp",
    "Station",
    "Visit",
    "VisitInterval",
]
