"""Assessments and subsidy entries are filed under their person's township (a township's list reads
one index at city scale instead of joining every record to the people table), and follow the person
when they move (core.events.person_moved); the demo's bulk writers file every one."""

from core.roles import Role
from core.services.people import person_update
from eldercare.models import Assessment, Subsidy, VisitTarget
from eldercare.services.subsidies import subsidy_enroll
from eldercare.services.visits import visit_target_add
from tests.eldercare.conftest import NEXT, assess


def _listed(client, township):
    html = client.get("/eldercare/assessments/", {"township": township}).content.decode()
    return html


def test_an_assessment_is_listed_under_its_persons_township(staff, client_for, elder, shuitou_elder):
    mine, theirs = assess(staff, elder, self_care=8), assess(staff, shuitou_elder, self_care=8)
    assert (mine.township_id, theirs.township_id) == (elder.township_id, shuitou_elder.township_id)
    rows = Assessment.objects.filter(township_id=elder.township_id)
    assert list(rows) == [mine]
    html = _listed(client_for(staff), elder.township_id)
    assert f"/eldercare/people/{elder.pk}/" in html and f"/eldercare/people/{shuitou_elder.pk}/" not in html


def test_a_move_takes_the_assessments_and_subsidies_to_the_new_township_and_its_officer(
    staff, make_user, client_for, elder, shuitou, subsidy_standards
):
    first, second = assess(staff, elder, self_care=8), assess(staff, elder, self_care=4)
    entry = subsidy_enroll(user=staff, person=elder, kind="high_age", starts_on=NEXT)  # born 1945
    visit_target_add(user=staff, person=elder, group="high_age", since=first.assessed_on)
    assert entry.township_id == elder.township_id
    honglai_officer = make_user(Role.TOWNSHIP_OFFICER, elder.township_id)
    shuitou_officer = make_user(Role.TOWNSHIP_OFFICER, shuitou.code)
    assert set(Assessment.objects.for_user(honglai_officer)) == {first, second}

    person_update(user=staff, person=elder, township=shuitou, village=None)

    assert set(Assessment.objects.filter(township_id=shuitou.code)) == {first, second}
    assert not Assessment.objects.for_user(honglai_officer).exists()
    assert set(Assessment.objects.for_user(shuitou_officer)) == {first, second}
    assert list(Subsidy.objects.for_user(shuitou_officer)) == [entry]
    target = VisitTarget.objects.get(person=elder)
    assert target.township_id == shuitou.code and VisitTarget.objects.for_user(shuitou_officer).get() == target
    assert not Subsidy.objects.for_user(honglai_officer).exists()
    html = _listed(client_for(staff), shuitou.code)
    assert f"/eldercare/people/{elder.pk}/" in html


def test_an_assessment_written_without_a_township_takes_its_persons(staff, elder):
    row = Assessment.objects.create(person=elder, assessed_on=elder.birth_date.replace(year=2024), self_care=8,
                                    basic_motion=15, mental_state=28, perception_social=15, total=66, level=1,
                                    assessor="黄评估", created_by=staff)  # fmt: skip
    assert row.township_id == elder.township_id


def test_the_demo_files_every_assessment_and_subsidy_under_its_persons_township(db):
    import io

    from django.core.management import call_command
    from django.db.models import F

    call_command("seed_demo", scale=0.05, password="Demo-test-2025", stdout=io.StringIO())
    for model in (Assessment, Subsidy, VisitTarget):
        assert model.objects.exists()
        assert not model.objects.exclude(township_id=F("person__township_id")).exists(), model


def test_a_move_made_in_the_admin_moves_the_records_too(admin_user, client, staff, elder, shuitou):
    row = assess(staff, elder, self_care=8)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/core/person/{elder.pk}/change/",
        {"name": elder.name, "id_number": elder.id_number, "township": shuitou.code, "village": "",
         "hukou": elder.hukou, "phone": "", "disability_category": "", "disability_grade": "", "date_of_death": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert row.township_id == shuitou.code
