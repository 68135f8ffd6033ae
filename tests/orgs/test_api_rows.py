"""The registry list builds its rows straight from the organisations
(orgs.api.organisations.OrganisationRowsSerializer): for every reader, each row is exactly
OrganisationSerializer's fields for the same organisation."""

import datetime
from decimal import Decimal

from django.db.models import Prefetch

from orgs import selectors
from orgs.api.organisations import OrganisationSerializer
from orgs.models import ListEntry, StatusChange
from orgs.services.grades import grade_record
from orgs.services.lists import list_entry_add
from orgs.services.organisations import organisation_change_status
from tests.api_rows import assert_rows_are_the_fields, readers
from tests.factories import HONGLAI

D = datetime.date
TODAY = datetime.date.today()
ORGANISATIONS = "/api/v1/orgs/organisations/"


def test_the_organisation_rows_are_the_serializers_fields_for_every_reader(make_user, staff, make_org):
    """A charity with every particular, a grade valid today, on both lists and deregistered (two status
    changes); a revoked foundation whose grade has lapsed, with a dishonesty entry not yet confirmed, no
    legal representative and no capital; a registered agency with a two-character representative, a
    charity without public fundraising, on the abnormal list only."""
    full = make_org("南安市洪濑镇慈善会", registered_on=D(2010, 3, 1), address="洪濑镇洪新街88号",
                    legal_representative="陈志明", business_scope="扶贫济困", supervising_unit="南安市民政局",
                    registered_capital=Decimal("500000.5"), party_organisation=True, party_organisation_on=D(2012, 7, 1),
                    charity=True, public_fundraising=True)  # fmt: skip
    grade_record(user=staff, organisation=full, grade="4A", evaluated_on=TODAY - datetime.timedelta(days=400))
    list_entry_add(user=staff, organisation=full, kind="abnormal", listed_on=D(2024, 6, 1), reason="未报年报")
    list_entry_add(user=staff, organisation=full, kind="dishonest", listed_on=D(2025, 6, 1), reason="严重违法")
    organisation_change_status(user=staff, organisation=full, status="deregistered", changed_on=TODAY, reason="解散")
    revoked = make_org("南安市洪濑镇教育基金会", org_type="foundation", registered_on=D(2008, 5, 1))
    grade_record(user=staff, organisation=revoked, grade="3A", evaluated_on=D(2015, 5, 1))
    ListEntry.objects.create(
        organisation=revoked, kind=ListEntry.Kind.DISHONEST, listed_on=D(2025, 6, 1), reason="拟列入"
    )
    organisation_change_status(
        user=staff, organisation=revoked, status="revoked", changed_on=D(2025, 9, 1), reason="违规"
    )
    agency = make_org("南安市洪濑镇社工服务中心", org_type="social_service_agency", legal_representative="林芳",
                      registered_capital=Decimal("30000"), charity=True, public_fundraising=False)  # fmt: skip
    # Flags that differ in one organisation: a row that swapped a pair of them would fail.
    list_entry_add(user=staff, organisation=agency, kind="abnormal", listed_on=D(2025, 3, 1), reason="未报年报")
    changes = Prefetch("status_changes", queryset=StatusChange.objects.order_by("changed_on", "id"))
    shown = selectors.organisation_detail_queryset(user=staff).prefetch_related(changes)
    rows = [shown.get(pk=pk) for pk in (full.pk, revoked.pk, agency.pk)]
    assert [(o.grade, o.on_abnormal_list, o.on_dishonest_list, len(o.status_changes.all())) for o in rows] == [
        ("4A", True, True, 2), (None, False, False, 2), (None, True, False, 1)
    ]  # fmt: skip
    assert (rows[2].charity, rows[2].public_fundraising) == (True, False)
    assert_rows_are_the_fields(ORGANISATIONS, {"township": HONGLAI}, OrganisationSerializer,
                               lambda ids: [shown.get(pk=pk) for pk in ids], readers(make_user, allowed_to="orgs.view_organisation"), expected=3)  # fmt: skip
