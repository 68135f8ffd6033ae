from django.urls import path

from assistance.views import cases, payroll, rescue, standards

app_name = "assistance"
urlpatterns = [
    path("", cases.queue, name="queue"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/export/", cases.case_export, name="case_export"),
    path("cases/new/", cases.case_new, name="case_new"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/act/<str:action>/", cases.case_act, name="case_act"),
    path("cases/<int:pk>/income/", cases.case_income, name="case_income"),
    path("cases/<int:pk>/documents/", cases.case_document_upload, name="case_document_upload"),
    path("cases/<int:pk>/refusal-notice/", cases.refusal_notice, name="refusal_notice"),
    path("documents/<int:pk>/", cases.document_download, name="document_download"),
    path("notices/", cases.notice_sheet, name="notice_sheet"),
    path("rechecks/", cases.rechecks, name="rechecks"),
    path("notice-backfills/", cases.notice_backfills, name="notice_backfills"),
    path("standards/", standards.standard_list, name="standard_list"),
    path("standards/new/", standards.standard_new, name="standard_new"),
    path("payroll/", payroll.batch_list, name="payroll_list"),
    path("payroll/<int:pk>/", payroll.batch_detail, name="payroll_detail"),
    path("payroll/<int:pk>/approve/", payroll.batch_approve, name="payroll_approve"),
    path("payroll/<int:pk>/bank-file/", payroll.bank_file_download, name="payroll_bank_file"),
    path("rescues/", rescue.rescue_list, name="rescue_list"),
    path("rescues/new/", rescue.rescue_create, name="rescue_create"),
    path("rescues/<int:pk>/", rescue.rescue_detail, name="rescue_detail"),
    path("rescues/<int:pk>/edit/", rescue.rescue_edit, name="rescue_edit"),
]
