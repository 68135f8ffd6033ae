from rest_framework.routers import DefaultRouter

from indicators.api.approvals import YearApprovalViewSet
from indicators.api.base_statistics import BaseStatisticViewSet
from indicators.api.indicators import IndicatorViewSet
from indicators.api.projects import KeyProjectViewSet
from indicators.api.recompute import RecomputeViewSet

router = DefaultRouter()
router.include_root_view = False  # the project root (config/api_urls.py) lists the API
router.register("projects", KeyProjectViewSet, basename="keyproject")
router.register("base-statistics", BaseStatisticViewSet, basename="basestatistic")
router.register("recompute", RecomputeViewSet, basename="recompute")
router.register("approvals", YearApprovalViewSet, basename="yearapproval")
# Registered last: its detail route (/indicators/{no}/) would otherwise shadow the ones above.
router.register("", IndicatorViewSet, basename="indicator")
urlpatterns = router.urls
