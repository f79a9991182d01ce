"""Fill the folded search key of existing organizations and people."""

import unicodedata

from django.db import migrations


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fill(apps, schema_editor):
    Organization = apps.get_model("directory", "Organization")
    Person = apps.get_model("directory", "Person")
    for organization in Organization.objects.only("pk", "name", "acronym").iterator():
        Organization.objects.filter(pk=organization.pk).update(
            search_key=_fold(f"{organization.name} {organization.acronym}")
        )
    for person in Person.objects.only("pk", "full_name").iterator():
        Person.objects.filter(pk=person.pk).update(search_key=_fold(person.full_name))


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_search_key")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
