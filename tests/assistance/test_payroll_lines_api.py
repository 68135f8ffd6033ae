"""What the payroll pages show, a REST client reads (issue 16, item 11): a batch's lines (scoped to
the caller's jurisdiction, masked by role, full views logged), the bank file of an approved batch
(logged), and each batch's township totals in the list too."""

import io
from decimal import Decimal

import openpyxl

from assistance.api.payroll import PayrollLineSerializer
from core.models import AccessLog, Division, PaymentLine
from core.payments import payment_batch_approve, payment_batch_build
from core.roles import Role
from tests.api_rows import assert_rows_are_the_fields, readers
from tests.api_schema import check
from tests.assistance.conftest import api
from tests.assistance.test_payroll_jurisdiction import NEXT, _paid_case
from tests.factories import HONGLAI, SHUITOU

BATCHES = "/api/v1/assistance/payroll-batches/"


def _batch(make_user, staff):
    honglai = _paid_case(HONGLAI, make_user)
    _paid_case(SHUITOU, make_user)
    return payment_batch_build(program="assistance", month=NEXT, user=staff), honglai


def test_the_lines_follow_the_callers_jurisdiction_and_role(standards, make_user, staff, leader, schema):
    batch, honglai = _batch(make_user, staff)
    officer = make_user(Role.TOWNSHIP_OFFICER, HONGLAI)
    own = api(officer).get(f"{BATCHES}{batch.pk}/lines/").json()
    check(schema, f"{BATCHES}{{id}}/lines/", "get", "200", own)
    assert [line["township"] for line in own["results"]] == [HONGLAI]
    assert own["results"][0]["payee_id_number"] == honglai.applicant.id_number
    assert AccessLog.objects.filter(user=officer, object_ids__contains=[honglai.applicant_id]).exists()

    masked = api(leader).get(f"{BATCHES}{batch.pk}/lines/?township={HONGLAI}").json()["results"]
    assert len(masked) == 1 and masked[0]["payee_id_number"] != honglai.applicant.id_number
    assert honglai.applicant.name not in str(masked)


def test_the_list_gives_each_batch_its_township_totals_in_the_viewers_jurisdiction(standards, make_user, staff):
    _batch(make_user, staff)
    city = api(staff).get(BATCHES).json()["results"][0]
    assert city["line_count"] == 2 and {t["township"] for t in city["townships"]} == {HONGLAI, SHUITOU}
    officer = make_user(Role.TOWNSHIP_OFFICER, HONGLAI)
    own = api(officer).get(BATCHES).json()["results"][0]
    assert own["line_count"] == 1 and own["total_amount"] == "1725.00"
    assert [t["township"] for t in own["townships"]] == [HONGLAI]
    assert Decimal(own["townships"][0]["amount"]) == Decimal("1725.00")


def test_the_bank_file_of_an_approved_batch_downloads_and_is_logged(standards, make_user, staff):
    batch, honglai = _batch(make_user, staff)
    draft = api(staff).get(f"{BATCHES}{batch.pk}/bank-file/")
    assert draft.status_code == 400
    payment_batch_approve(batch=batch, user=make_user(Role.STAFF))
    response = api(staff).get(f"{BATCHES}{batch.pk}/bank-file/")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert any(honglai.applicant.id_number in [str(c) for c in row] for row in sheet.iter_rows(values_only=True))
    assert AccessLog.objects.filter(user=staff, action=AccessLog.Action.EXPORT, object_ids=[batch.pk]).exists()


def test_readers_without_the_export_right_get_no_bank_file(standards, make_user, staff, leader):
    batch, _case = _batch(make_user, staff)
    payment_batch_approve(batch=batch, user=make_user(Role.STAFF))
    assert api(leader).get(f"{BATCHES}{batch.pk}/bank-file/").status_code == 403


def test_a_pull_page_by_page_gives_every_line_once_in_the_lists_order(standards, make_user, staff):
    """The lines' pages are read by their keys first (core.api.pagination.LateRowsPagination): a
    client following `next` one line at a time gets every line once, by township, village and id."""
    batch, _honglai = _batch(make_user, staff)
    whole = [line["id"] for line in api(staff).get(f"{BATCHES}{batch.pk}/lines/").json()["results"]]
    pulled, url = [], f"{BATCHES}{batch.pk}/lines/?page_size=1"
    while url:
        body = api(staff).get(url).json()
        assert body["count"] == len(whole)
        pulled += [line["id"] for line in body["results"]]
        url = body["next"]
    assert pulled == whole and len(whole) == 2
    expected = PaymentLine.objects.filter(batch=batch).order_by("township_id", "village_id", "id")
    assert pulled == list(expected.values_list("id", flat=True))


def test_the_lines_rows_are_the_serializers_fields_for_every_reader(standards, make_user, staff):
    """The lines are built straight from their rows (PayrollLineRowsSerializer): for every reader of
    payrolls, each is exactly PayrollLineSerializer's fields (amount, masked payee and account)."""
    batch, _honglai = _batch(make_user, staff)
    PaymentLine.objects.filter(batch=batch, township_id=HONGLAI).update(bank_account="6228480012345678901")
    lines = PaymentLine.objects.select_related("payee")
    users = readers(make_user, allowed_to="core.view_paymentbatch")
    assert len(users) >= 4
    assert_rows_are_the_fields(f"{BATCHES}{batch.pk}/lines/", {"township": HONGLAI}, PayrollLineSerializer,
                               lambda ids: [lines.get(pk=pk) for pk in ids], users, expected=1)  # fmt: skip


def test_an_officers_pull_page_by_page_is_their_townships_lines_once_each(standards, make_user, staff):
    """Lines of two townships interleaved by id, a village on some: an officer following `next` two
    lines at a time gets each of their township's lines once, by village (none last) and id, and the
    browsable API draws the pages' links (the action's own paginator is the view's)."""
    for township in (HONGLAI, SHUITOU, HONGLAI, SHUITOU, HONGLAI):
        _paid_case(township, make_user)
    batch = payment_batch_build(program="assistance", month=NEXT, user=staff)
    village = Division.objects.create(code=f"{HONGLAI}904", name="测试904村", level=Division.Level.VILLAGE,
                                      kind=Division.Kind.VILLAGE, parent_id=HONGLAI)  # fmt: skip
    PaymentLine.objects.filter(pk=PaymentLine.objects.filter(batch=batch, township_id=HONGLAI).latest("pk").pk).update(
        village=village
    )
    officer = make_user(Role.TOWNSHIP_OFFICER, HONGLAI)
    pulled, url = [], f"{BATCHES}{batch.pk}/lines/?page_size=2"
    while url:
        body = api(officer).get(url).json()
        assert body["count"] == 3
        pulled += [line["id"] for line in body["results"]]
        url = body["next"]
    own = PaymentLine.objects.filter(batch=batch, township_id=HONGLAI).order_by("township_id", "village_id", "id")
    assert pulled == list(own.values_list("id", flat=True)) and pulled[0] == own.get(village=village).pk
    page = api(officer).get(f"{BATCHES}{batch.pk}/lines/?page_size=1", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and 'class="pagination' in page.content.decode()


def test_the_lines_schema_names_only_the_parameters_the_action_reads(schema):
    """The lines actions filter by township (and eldercare's by kind) and page: the schema offers no
    `ordering` or `updated_since` they would ignore."""
    for path, extra in (
        (f"{BATCHES}{{id}}/lines/", set()),
        ("/api/v1/eldercare/subsidies/lists/{id}/lines/", {"kind"}),
    ):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"] if p["in"] == "query"}
        assert names == {"page", "page_size", "township", *extra}, path
