from django.db import migrations


def load(apps, schema_editor):
    # The file as it stands when the migration runs; later changes to the list
    # come in through `manage.py load_statutory_items`.
    from statutory.loading import load_items, read_items

    load_items(read_items(), model=apps.get_model("statutory", "StatutoryItem"))


class Migration(migrations.Migration):
    dependencies = [("statutory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
