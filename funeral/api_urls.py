from rest_framework.routers import DefaultRouter

from funeral import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("facilities", api.FacilityViewSet, basename="funeral-facility")
router.register("records", api.DeathRecordViewSet, basename="funeral-record")
router.register("placements", api.PlacementViewSet, basename="funeral-placement")
router.register("waivers", api.WaiverViewSet, basename="funeral-waiver")
router.register("rectifications", api.TombCaseViewSet, basename="funeral-rectification")
urlpatterns = router.urls
