import datetime

import pytest
from django.core.exceptions import ValidationError

from core.identifiers import (
    id_number_with_check_digit,
    mask_id_number,
    mask_name,
    parse_id_number,
    validate_credit_code,
)


def test_valid_nanan_number_gives_birth_date_and_sex():
    number = id_number_with_check_digit("35058320100315002")
    info = parse_id_number(number)
    assert info.birth_date == datetime.date(2010, 3, 15)
    assert info.sex == "F"
    assert info.region_code == "350583"
    assert info.note == ""


def test_old_nanan_county_codes_are_valid_for_their_years():
    assert parse_id_number(id_number_with_check_digit("35242319520101001")).note == ""
    assert parse_id_number(id_number_with_check_digit("35052319880512001")).note == ""


def test_lowercase_x_and_spaces_are_normalised():
    # 11010519491231002X is the standard's own example number.
    assert parse_id_number(" 11010519491231002x ").number == "11010519491231002X"


def test_late_registered_number_is_accepted_with_a_note():
    """350583 dates from 1993; a person born in 1988 and registered late carries it."""
    number = id_number_with_check_digit("35058319880512001")
    info = parse_id_number(number)
    assert info.birth_date == datetime.date(1988, 5, 12)
    assert "补登记" in info.note


def test_wrong_check_digit_is_refused_with_the_expected_digit():
    number = id_number_with_check_digit("35058320100315002")
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    with pytest.raises(ValidationError) as exc:
        parse_id_number(wrong)
    assert exc.value.code == "id_checksum"
    assert number[-1] in exc.value.messages[0]


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("35058320100315", "id_length"),
        ("3505832010031500211", "id_length"),
        ("35058320A0031500X2", "id_format"),
        ("X50583201003150021", "id_format"),
        ("350583201002300021", "id_birth_date"),  # 30 February
        ("350583209901010021", "id_birth_date"),  # in the future
    ],
)
def test_malformed_numbers_are_refused_with_a_reason(number, code):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(number)
    assert exc.value.code == code
    assert exc.value.messages[0]


def test_unknown_region_code_is_refused():
    with pytest.raises(ValidationError) as exc:
        parse_id_number(id_number_with_check_digit("99999920100315002"))
    assert exc.value.code == "id_region"


def test_masking_keeps_region_and_last_four():
    assert mask_id_number("35058319880512001X") == "350583********001X"
    assert mask_name("张三明") == "张*明"
    assert mask_name("张三") == "张*"


def test_credit_code_check_character_is_verified():
    from stdnum.cn import uscc

    first17 = "51350583MJ0000001"  # 51: an association registered by civil affairs
    code = first17 + uscc.calc_check_digit(first17)
    validate_credit_code(code)
    bad = code[:-1] + ("1" if code[-1] != "1" else "2")
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(bad)
    assert exc.value.code == "uscc_checksum"
    with pytest.raises(ValidationError):
        validate_credit_code("51350583MJ00000I1X")


def test_a_name_of_the_main_han_block_passes_as_every_letter_of_it_would():
    """validate_person_name takes a name of CJK Unified Ideographs (U+4E00–U+9FFF) whole, without a
    look at each character: right only while every character of the block is a letter."""
    from core.identifiers import _HAN_NAME, _name_letter

    block = "".join(chr(c) for c in range(0x4E00, 0xA000))
    assert _HAN_NAME.fullmatch(block)
    assert all(_name_letter(c) for c in block)
    for name in ("陈志明", "〇", "李〇", "=陈", "陈1", "陈 志", "陈·明"):  # around the block: the full rule
        assert bool(_HAN_NAME.fullmatch(name)) == (name == "陈志明")


@pytest.mark.parametrize("name", ['=HYPERLINK("x")', "陈1", "·陈", "陈明-", "<b>陈</b>", "陈\u200b明"])
def test_a_name_with_other_characters_is_refused(name):
    from core.identifiers import validate_person_name

    with pytest.raises(ValidationError):
        validate_person_name(name)
