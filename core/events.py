"""Facts about people that several apps act on. Core records the fact once and sends the event;
the apps that care connect a receiver in their AppConfig.ready() (core never imports them).

    from core.events import people_died
    people_died.connect(my_receiver, dispatch_uid="myapp.people_died")

Receivers run inside the transaction that recorded the fact, so what they change commits or rolls
back with it.

`people_died` comes once for every recording of deaths: one death from the person page or a
cremation record, a whole month from the funeral home's ledger import. Its keyword arguments are
deaths (a list of (person, date_of_death) pairs, each person once), user and source. A receiver
does its work for all of them in a fixed number of queries, whatever their number: a ledger of
1,000 deaths is one event, not 1,000.

`person_died` follows for each person (person, date_of_death, user, source), after people_died, for
a listener that wants one call per death and touches no database (the apps use people_died).
"""

from django.dispatch import Signal

#: Deaths were recorded (by funeral's cremation records, one or a ledger of them, or by a clerk on
#: the person page): deaths=[(person, date_of_death), ...], user, source.
people_died = Signal()

#: One of those deaths: person, date_of_death, user, source.
person_died = Signal()

#: A person's township changed (person_update): receivers that keep the township beside a person's
#: records (for lists by township at city scale) move them. Keyword arguments: person,
#: township_from, township_to (codes), user.
person_moved = Signal()
