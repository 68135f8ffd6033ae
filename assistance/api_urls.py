from rest_framework.routers import DefaultRouter

from assistance.api.cases import CaseViewSet, PayrollBatchViewSet, StandardViewSet
from assistance.api.rescue import RescueViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("cases", CaseViewSet, basename="assistance-case")
router.register("standards", StandardViewSet, basename="assistance-standard")
router.register("payroll-batches", PayrollBatchViewSet, basename="assistance-payroll")
router.register("rescues", RescueViewSet, basename="assistance-rescue")
urlpatterns = router.urls
