from django.urls import path

from childwelfare.views import adoptions, allowances, children, network, recognitions, workers

app_name = "childwelfare"

urlpatterns = [
    path("", children.child_list, name="home"),
    path("children/", children.child_list, name="child_list"),
    path("children/new/", children.child_create, name="child_create"),
    path("children/export/", children.child_export, name="child_export"),
    path("children/<int:pk>/", children.child_detail, name="child_detail"),
    path("children/<int:pk>/edit/", children.child_edit, name="child_edit"),
    path("children/<int:pk>/close/", children.child_close_view, name="child_close"),
    path("children/<int:pk>/categories/new/", children.category_create, name="category_create"),
    path("children/<int:pk>/visits/new/", children.visit_create, name="visit_create"),
    path("children/<int:pk>/recognitions/new/", recognitions.recognition_create, name="recognition_create"),
    path("categories/<int:pk>/end/", children.category_close, name="category_end"),
    path("recognitions/", recognitions.recognition_list, name="recognition_list"),
    path("recognitions/export/", recognitions.recognition_export, name="recognition_export"),
    path("recognitions/<int:pk>/", recognitions.recognition_detail, name="recognition_detail"),
    path("recognitions/<int:pk>/<slug:action>/", recognitions.recognition_act, name="recognition_act"),
    path("stations/", network.station_coverage, name="station_coverage"),
    path("stations/new/", network.station_create, name="station_create"),
    path("stations/export/", network.station_export, name="station_export"),
    path("stations/<int:pk>/edit/", network.station_edit, name="station_edit"),
    path("workers/", workers.worker_coverage, name="worker_coverage"),
    path("workers/new/", workers.worker_create, name="worker_create"),
    path("workers/export/", workers.worker_export, name="worker_export"),
    path("workers/<int:pk>/edit/", workers.worker_edit, name="worker_edit"),
    path("adoptions/", adoptions.adoption_list, name="adoption_list"),
    path("adoptions/new/", adoptions.adoption_create, name="adoption_create"),
    path("adoptions/export/", adoptions.adoption_export, name="adoption_export"),
    path("allowances/", allowances.allowance_list, name="allowance_list"),
    path("allowances/<int:pk>/", allowances.allowance_detail, name="allowance_detail"),
    path("allowances/<int:pk>/approve/", allowances.allowance_approve, name="allowance_approve"),
    path("allowances/<int:pk>/bank-file/", allowances.allowance_bank_file, name="allowance_bank_file"),
    path("settings/", allowances.settings_page, name="settings"),
]
