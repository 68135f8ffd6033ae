"""Records of an older person filed under the person's township (eldercare.townships)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import division_key


class FiledUnderPersonTownship(models.Model):
    """The person's township kept beside the record, so a township's list reads one index instead
    of joining its records to 1.5 million people; it is the record's jurisdiction. save() files the
    record under its person's township (the person object it was given, or one query); the bulk
    writers use eldercare.townships.with_townships, and core.events.person_moved moves it."""

    township = division_key(null=True, blank=True, verbose_name=_("乡镇（街道）"))

    jurisdiction_field = "township"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.person_id is not None and kwargs.get("update_fields") is None:
            person = self._state.fields_cache.get("person")
            if person is not None and person.pk == self.person_id:
                self.township_id = person.township_id
            else:
                from eldercare.townships import township_of

                self.township_id = township_of(self.person_id)
        super().save(*args, **kwargs)
