"""Facts about a person that several apps act on. Core records the fact once and sends the event;
the apps that care connect a receiver in their AppConfig.ready() (core never imports them).

    from core.events import person_died
    person_died.connect(my_receiver, dispatch_uid="myapp.person_died")

Receivers run inside the transaction that recorded the fact, so what they change commits or rolls
back with it. They get keyword arguments: person, date_of_death, user, source.
"""

from django.dispatch import Signal

#: A person's death was recorded (by funeral's cremation record or by a clerk on the person page).
person_died = Signal()

#: A person's township changed (person_update): receivers that keep the township beside a person's
#: records (for lists by township at city scale) move them. Keyword arguments: person,
#: township_from, township_to (codes), user.
person_moved = Signal()
