"""The working-day clock's calendar from the State Council's notices, as the `chinesecalendar`
package carries them (public holidays and the weekend days worked in exchange, 调休). Rows the
administrator entered are kept: a local change or a later year's notice wins over the package."""

from django.core.management.base import BaseCommand
from django.db import transaction

from assistance.models import Holiday

#: The package names holidays in English; the calendar speaks Chinese.
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def official_calendar(first_year: int, last_year: int) -> dict:
    """{date: (name, is_workday)} of the package's holidays and make-up working days."""
    import chinese_calendar

    days = {}
    for table, is_workday in ((chinese_calendar.holidays, False), (chinese_calendar.workdays, True)):
        for day, holiday in table.items():
            if first_year <= day.year <= last_year:
                english = getattr(holiday, "value", holiday)
                name = NAMES.get(english, english)
                days[day] = (f"{name}调休上班" if is_workday else name, is_workday)
    return days


class Command(BaseCommand):
    help = "Seed the Holiday table from the chinesecalendar package (State Council notices). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--from-year", type=int, default=2020)
        parser.add_argument("--to-year", type=int, default=2100)

    @transaction.atomic
    def handle(self, *args, from_year, to_year, **options):
        days = official_calendar(from_year, to_year)
        existing = set(Holiday.objects.filter(date__in=days).values_list("date", flat=True))
        added = Holiday.objects.bulk_create(
            [Holiday(date=d, name=n, is_workday=w) for d, (n, w) in sorted(days.items()) if d not in existing]
        )
        last = max(days) if days else None
        self.stdout.write(
            f"Holidays: {len(added)} added, {len(existing)} kept as entered; the package covers up to {last}."
        )
