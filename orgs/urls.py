from django.urls import path

from orgs.models import ListEntry
from orgs.views import organisations, registry, social_work

app_name = "orgs"

urlpatterns = [
    path("", organisations.organisation_list, name="organisation_list"),
    path("export/", organisations.organisation_export, name="organisation_export"),
    path("new/", organisations.organisation_create_view, name="organisation_create"),
    path("<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path("<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("<int:pk>/<str:action>/", organisations.organisation_detail, name="organisation_action"),
    path("reports/", registry.report_board, name="report_board"),
    path("grades/", registry.grade_list, name="grade_list"),
    path("lists/", registry.list_manage, name="list_manage"),
    path("lists/<int:pk>/remove/", registry.list_entry_remove_view, name="list_entry_remove"),
    path("lists/<int:pk>/confirm/", registry.list_entry_confirm_view, name="list_entry_confirm"),
    path("public/abnormal/", registry.public_list, {"kind": ListEntry.Kind.ABNORMAL}, name="public_abnormal"),
    path("public/dishonest/", registry.public_list, {"kind": ListEntry.Kind.DISHONEST}, name="public_dishonest"),
    path("stations/", social_work.station_coverage, name="station_coverage"),
    path("stations/new/", social_work.station_create_view, name="station_create"),
    path("stations/export/", social_work.station_export, name="station_export"),
    path("stations/<int:pk>/edit/", social_work.station_edit, name="station_edit"),
    path("workers/", social_work.worker_list, name="worker_list"),
    path("workers/export/", social_work.worker_export, name="worker_export"),
    path("workers/new/", social_work.worker_create, name="worker_create"),
    path("facilities/", social_work.facility_list, name="facility_list"),
    path("facilities/export/", social_work.facility_export, name="facility_export"),
    path("facilities/new/", social_work.facility_create_view, name="facility_create"),
    path("facilities/<int:pk>/edit/", social_work.facility_edit, name="facility_edit"),
    path("volunteers/", social_work.volunteer_list, name="volunteer_list"),
    path("volunteers/new/", social_work.volunteer_create, name="volunteer_create"),
    path("volunteers/export/", social_work.volunteer_export, name="volunteer_export"),
    path("volunteers/certificate/", social_work.volunteer_certificate, name="volunteer_certificate"),
]
