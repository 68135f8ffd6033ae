from rest_framework.routers import DefaultRouter

from assistance.api.cases import CaseViewSet
from assistance.api.payroll import PayrollBatchViewSet
from assistance.api.rescue import RescueViewSet
from assistance.api.standards import StandardViewSet

router = DefaultRouter()
router.include_root_view = False  # the project root (config/api_urls.py) lists the API
router.register("cases", CaseViewSet, basename="assistance-case")
router.register("standards", StandardViewSet, basename="assistance-standard")
router.register("payroll-batches", PayrollBatchViewSet, basename="assistance-payroll")
router.register("rescues", RescueViewSet, basename="assistance-rescue")
urlpatterns = router.urls
