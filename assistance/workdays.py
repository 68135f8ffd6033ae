"""Working-day clocks (审核确认办法 counts its limits in working days): Monday to Friday, minus the
public holidays and plus the weekend make-up days (调休) that bureau staff enter as Holiday rows."""

from datetime import date, timedelta

from core.limits import EARLIEST_DATE


def calendar(start: date, end: date) -> dict[date, bool]:
    """{date: is_workday} for the configured exceptions between start and end."""
    from assistance.models import Holiday

    return dict(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday"))


def is_workday(day: date, exceptions: dict[date, bool]) -> bool:
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def add_working_days(start: date, days: int, exceptions: dict[date, bool] | None = None) -> date:
    """The date `days` working days after `start` (the day of acceptance itself does not count)."""
    if exceptions is None:
        exceptions = calendar(start, start + timedelta(days=days * 2 + 60))
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day, exceptions):
            left -= 1
    return day


def working_days_between(start: date, end: date, exceptions: dict[date, bool] | None = None) -> int:
    """Working days after `start` up to and including `end` (negative when end is before start)."""
    if end < start:
        return -working_days_between(end, start, exceptions)
    if exceptions is None:
        exceptions = calendar(start, end)
    return sum(1 for n in range(1, (end - start).days + 1) if is_workday(start + timedelta(days=n), exceptions))


def last_working_day(on_or_before: date) -> date:
    """The latest working day on or before the date. A case due before it is overdue (a working day
    has passed since its deadline, as deadline_badges counts), one due on or after it is not."""
    end = on_or_before
    while end >= EARLIEST_DATE:  # a month of the calendar at a time (the longest holiday is about nine days)
        start = end - timedelta(days=31)
        exceptions = calendar(start, end)
        day = end
        while day > start:
            if is_workday(day, exceptions):
                return day
            day -= timedelta(days=1)
        end = start
    return EARLIEST_DATE  # a calendar of nothing but holidays: no deadline (none is earlier) has passed
