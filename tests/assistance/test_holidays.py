import datetime
import io

from django.core.management import call_command

from assistance.models import Holiday
from assistance.workdays import add_working_days


def test_seed_holidays_loads_the_state_councils_calendar_and_keeps_what_the_admin_entered(db):
    Holiday.objects.filter(date=datetime.date(2026, 10, 1)).delete()
    Holiday.objects.create(date=datetime.date(2026, 10, 1), name="本地调整", is_workday=False)
    out = io.StringIO()
    call_command("seed_holidays", "--from-year", "2026", "--to-year", "2026", stdout=out)
    assert Holiday.objects.get(date=datetime.date(2026, 10, 1)).name == "本地调整"
    assert Holiday.objects.get(date=datetime.date(2026, 10, 5)).name == "国庆节"
    make_up = Holiday.objects.get(date=datetime.date(2026, 10, 10))  # a Saturday worked for National Day
    assert make_up.is_workday and "国庆节" in make_up.name
    assert "added" in out.getvalue()
    count = Holiday.objects.count()
    call_command("seed_holidays", "--from-year", "2026", "--to-year", "2026", stdout=io.StringIO())
    assert Holiday.objects.count() == count


def test_the_working_day_clock_skips_the_national_day_week_and_counts_the_make_up_saturday(db):
    call_command("seed_holidays", "--from-year", "2026", "--to-year", "2026", stdout=io.StringIO())
    # Wed 30 Sep 2026 + 1 working day: 1–7 Oct are holidays, Thu 8 and Fri 9 work.
    assert add_working_days(datetime.date(2026, 9, 30), 1) == datetime.date(2026, 10, 8)
    # Fri 9 Oct + 1: Saturday 10 Oct is a make-up working day.
    assert add_working_days(datetime.date(2026, 10, 9), 1) == datetime.date(2026, 10, 10)
