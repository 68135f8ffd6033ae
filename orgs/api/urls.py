from rest_framework.routers import DefaultRouter

from orgs.api.facilities import ComprehensiveFacilityViewSet, VolunteerRecordViewSet
from orgs.api.lists import AbnormalListViewSet, DishonestListViewSet
from orgs.api.organisations import OrganisationViewSet
from orgs.api.records import AnnualReportViewSet, GradeViewSet, SupervisionViewSet
from orgs.api.workers import SocialWorkerViewSet, SocialWorkStationViewSet

router = DefaultRouter()
router.include_root_view = False  # the project root (config/api_urls.py) lists the API
router.register("organisations", OrganisationViewSet, basename="orgs-organisation")
router.register("grades", GradeViewSet, basename="orgs-grade")
router.register("annual-reports", AnnualReportViewSet, basename="orgs-annual-report")
router.register("supervisions", SupervisionViewSet, basename="orgs-supervision")
router.register("abnormal-list", AbnormalListViewSet, basename="orgs-abnormal-list")
router.register("dishonest-list", DishonestListViewSet, basename="orgs-dishonest-list")
router.register("social-workers", SocialWorkerViewSet, basename="orgs-social-worker")
router.register("stations", SocialWorkStationViewSet, basename="orgs-station")
router.register("facilities", ComprehensiveFacilityViewSet, basename="orgs-facility")
router.register("volunteer-records", VolunteerRecordViewSet, basename="orgs-volunteer-record")
urlpatterns = router.urls
