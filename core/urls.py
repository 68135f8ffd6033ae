from django.urls import path

from core.views import households, imports, people, users

app_name = "core"

urlpatterns = [
    path("people/", people.person_list, name="person_list"),
    path("people/new/", people.person_create_view, name="person_create"),
    path("people/export/", people.person_export, name="person_export"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/household/", people.person_household_create, name="person_household_create"),
    path("households/", households.household_list, name="household_list"),
    path("households/export/", households.household_export, name="household_export"),
    path("households/<int:pk>/", households.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", households.household_edit, name="household_edit"),
    path("households/<int:pk>/members/", households.household_member_add_view, name="household_member_add"),
    path(
        "households/<int:pk>/members/<int:member_pk>/remove/",
        households.household_member_remove_view,
        name="household_member_remove",
    ),
    path("imports/<slug:kind>/", imports.import_upload, name="import_upload"),
    path("imports/<slug:kind>/template.xlsx", imports.import_template, name="import_template"),
    path("imports/jobs/<int:pk>/", imports.import_job, name="import_job"),
    path("imports/jobs/<int:pk>/errors.xlsx", imports.import_bad_rows, name="import_bad_rows"),
    path("users/", users.user_list, name="user_list"),
]
