from rest_framework.routers import DefaultRouter

from funeral.api.facilities import FacilityViewSet
from funeral.api.placements import PlacementViewSet
from funeral.api.prices import FeeItemPriceViewSet
from funeral.api.records import DeathRecordViewSet
from funeral.api.rectifications import TombCaseViewSet
from funeral.api.waivers import WaiverViewSet

router = DefaultRouter()
router.include_root_view = False  # the project root (config/api_urls.py) lists the API
router.register("facilities", FacilityViewSet, basename="funeral-facility")
router.register("records", DeathRecordViewSet, basename="funeral-record")
router.register("placements", PlacementViewSet, basename="funeral-placement")
router.register("waivers", WaiverViewSet, basename="funeral-waiver")
router.register("rectifications", TombCaseViewSet, basename="funeral-rectification")
router.register("fee-prices", FeeItemPriceViewSet, basename="funeral-fee-price")
urlpatterns = router.urls
