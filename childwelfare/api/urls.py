from rest_framework.routers import DefaultRouter

from childwelfare.api.adoptions import AdoptionViewSet
from childwelfare.api.children import ChildViewSet
from childwelfare.api.guardianship import AssessmentViewSet, CarerViewSet
from childwelfare.api.recognitions import RecognitionViewSet
from childwelfare.api.stations import StationViewSet
from childwelfare.api.visits import VisitViewSet
from childwelfare.api.workers import WorkerViewSet

router = DefaultRouter()
router.include_root_view = False  # the project root (config/api_urls.py) lists the API
router.register("children", ChildViewSet, basename="childwelfare-child")
router.register("stations", StationViewSet, basename="childwelfare-station")
router.register("adoptions", AdoptionViewSet, basename="childwelfare-adoption")
router.register("visits", VisitViewSet, basename="childwelfare-visit")
router.register("recognitions", RecognitionViewSet, basename="childwelfare-recognition")
router.register("workers", WorkerViewSet, basename="childwelfare-worker")
router.register("carers", CarerViewSet, basename="childwelfare-carer")
router.register("assessments", AssessmentViewSet, basename="childwelfare-assessment")
urlpatterns = router.urls
