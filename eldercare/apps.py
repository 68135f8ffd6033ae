from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EldercareConfig(AppConfig):
    name = "eldercare"
    verbose_name = _("养老服务")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.events import people_died
        from eldercare import importers, indicators  # noqa: F401 (register the importers and providers)
        from eldercare.services import subsidies, visits  # subsidies: the payment-list programme

        people_died.connect(subsidies.on_people_died, dispatch_uid="eldercare.people_died")
        people_died.connect(visits.on_people_died_visits, dispatch_uid="eldercare.people_died_visits")
        # Assessments and subsidies are filed under their person's township: a move moves them.
        from core.events import person_moved
        from eldercare.townships import records_follow_move

        person_moved.connect(records_follow_move, dispatch_uid="eldercare.records_follow_move")
