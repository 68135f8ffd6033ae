from django.urls import path

from funeral.views import configuration, facilities, records, stats, tombs

app_name = "funeral"

urlpatterns = [
    path("", records.record_list, name="home"),
    path("records/", records.record_list, name="record_list"),
    path("records/new/", records.record_create, name="record_create"),
    path("records/export/", records.record_export, name="record_export"),
    path("records/<int:pk>/", records.record_detail, name="record_detail"),
    path("records/<int:pk>/edit/", records.record_edit, name="record_edit"),
    path("placements/", stats.eco_share, name="eco_share"),
    path("waivers/", stats.waiver_totals, name="waiver_totals"),
    path("facilities/", facilities.facility_list, name="facility_list"),
    path("facilities/new/", facilities.facility_create_view, name="facility_create"),
    path("facilities/<int:pk>/edit/", facilities.facility_edit, name="facility_edit"),
    path("tombs/", tombs.tomb_list, name="tomb_list"),
    path("tombs/new/", tombs.tomb_create, name="tomb_create"),
    path("tombs/<int:pk>/edit/", tombs.tomb_edit, name="tomb_edit"),
    path("settings/", configuration.configuration, name="configuration"),
    path("settings/prices/", configuration.price_add, name="price_add"),
    path("settings/categories/", configuration.category_add, name="category_add"),
    path("settings/categories/<int:pk>/remove/", configuration.category_remove, name="category_remove"),
]
