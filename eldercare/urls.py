from django.urls import path, re_path

from eldercare.views import adaptations, assessments, facilities, institutions, subsidies, training, visits

app_name = "eldercare"

urlpatterns = [
    path("", institutions.institution_list, name="home"),
    path("institutions/", institutions.institution_list, name="institution_list"),
    path("institutions/new/", institutions.institution_create_view, name="institution_create"),
    path("institutions/export/", institutions.institution_export, name="institution_export"),
    path("institutions/<int:pk>/", institutions.institution_detail, name="institution_detail"),
    path("institutions/<int:pk>/edit/", institutions.institution_edit, name="institution_edit"),
    path("institutions/<int:pk>/bed-counts/", institutions.bed_count_add, name="bed_count_add"),
    path("institutions/<int:pk>/listings/", institutions.listing_add_view, name="listing_add"),
    path("listings/<int:pk>/remove/", institutions.listing_remove_view, name="listing_remove"),
    path("facilities/", facilities.facility_list, name="facility_list"),
    path("facilities/new/", facilities.facility_create_view, name="facility_create"),
    path("facilities/export/", facilities.facility_export, name="facility_export"),
    path("facilities/<int:pk>/edit/", facilities.facility_edit, name="facility_edit"),
    path("coverage/", facilities.facility_coverage, name="facility_coverage"),
    path("coverage/export/", facilities.facility_coverage_export, name="facility_coverage_export"),
    path("assessments/", assessments.assessment_list, name="assessment_list"),
    path("assessments/export/", assessments.assessment_export, name="assessment_export"),
    path("people/find/", assessments.person_lookup, name="person_lookup"),
    path("people/<int:pk>/", assessments.older_person, name="person"),
    path("people/<int:pk>/subsidies/", assessments.subsidy_enroll_view, name="subsidy_enroll"),
    path("people/<int:pk>/visits/", visits.visit_record_view, name="visit_record"),
    path("people/<int:pk>/visit-groups/", visits.visit_target_add_view, name="visit_target_add"),
    path("visit-groups/<int:pk>/end/", visits.visit_target_end_view, name="visit_target_end"),
    path("visits/", visits.visit_list, name="visit_list"),
    path("visits/export/", visits.visit_export, name="visit_export"),
    path("visits/due/", visits.visit_due, name="visit_due"),
    path("visits/due/export/", visits.visit_due_export, name="visit_due_export"),
    path("visits/intervals/", visits.interval_list, name="visit_intervals"),
    path("adaptations/", adaptations.adaptation_list, name="adaptation_list"),
    path("adaptations/export/", adaptations.adaptation_export, name="adaptation_export"),
    path("adaptations/<int:pk>/step/", adaptations.adaptation_step_view, name="adaptation_step"),
    path("people/<int:pk>/adaptations/", adaptations.adaptation_apply_view, name="adaptation_apply"),
    path("training/", training.training_list, name="training_list"),
    path("training/export/", training.training_export, name="training_export"),
    path("subsidies/", subsidies.subsidy_list, name="subsidy_list"),
    path("subsidies/export/", subsidies.subsidy_export, name="subsidy_export"),
    path("subsidies/standards/", subsidies.standard_list, name="subsidy_standards"),
    path("subsidies/standards/export/", subsidies.standard_export, name="subsidy_standards_export"),
    re_path(
        r"^subsidies/(?P<pk>[0-9]+)/(?P<action>end|suspend|resume)/$", subsidies.subsidy_action, name="subsidy_action"
    ),
    path("subsidy-lists/", subsidies.batch_list, name="subsidy_batches"),
    path("subsidy-lists/<int:pk>/", subsidies.batch_detail, name="subsidy_batch"),
    path("subsidy-lists/<int:pk>/export/", subsidies.batch_export, name="subsidy_batch_export"),
    path("subsidy-lists/<int:pk>/approve/", subsidies.batch_approve, name="subsidy_batch_approve"),
    path("subsidy-lists/<int:pk>/bank-file/", subsidies.batch_bank_file, name="subsidy_bank_file"),
]
