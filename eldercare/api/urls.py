from rest_framework.routers import DefaultRouter

from eldercare.api.adaptations import HomeAdaptationViewSet
from eldercare.api.assessments import AssessmentViewSet
from eldercare.api.facilities import CommunityFacilityViewSet
from eldercare.api.institutions import InstitutionListingViewSet, InstitutionViewSet
from eldercare.api.subsidies import SubsidyBatchViewSet, SubsidyStandardViewSet, SubsidyViewSet
from eldercare.api.training import TrainingSessionViewSet
from eldercare.api.visits import VisitIntervalViewSet, VisitTargetViewSet, VisitViewSet

router = DefaultRouter()
router.include_root_view = False  # the project root (config/api_urls.py) lists the API
router.register("institutions", InstitutionViewSet, basename="eldercare-institution")
router.register("institution-listings", InstitutionListingViewSet, basename="eldercare-institution-listing")
router.register("facilities", CommunityFacilityViewSet, basename="eldercare-facility")
router.register("assessments", AssessmentViewSet, basename="eldercare-assessment")
# The standards and the monthly lists first: "subsidies/{id}" takes digits only.
router.register("subsidies/standards", SubsidyStandardViewSet, basename="eldercare-subsidy-standard")
router.register("subsidies/lists", SubsidyBatchViewSet, basename="eldercare-subsidy-list")
router.register("subsidies", SubsidyViewSet, basename="eldercare-subsidy")
router.register("visits", VisitViewSet, basename="eldercare-visit")
router.register("visit-targets", VisitTargetViewSet, basename="eldercare-visit-target")
router.register("visit-intervals", VisitIntervalViewSet, basename="eldercare-visit-interval")
router.register("training-sessions", TrainingSessionViewSet, basename="eldercare-training-session")
router.register("adaptations", HomeAdaptationViewSet, basename="eldercare-adaptation")
urlpatterns = router.urls
