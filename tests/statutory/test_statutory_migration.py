"""The data migration loads the DfE's list (with the historical model)."""

import importlib

from django.apps import apps

from statutory.loading import read_items
from statutory.models import StatutoryItem

migration = importlib.import_module("statutory.migrations.0002_load_statutory_items")


def test_the_data_migration_loads_the_whole_list_and_running_it_again_changes_nothing(db):
    StatutoryItem.objects.all().delete()
    migration.load(apps, None)
    keys = set(StatutoryItem.objects.values_list("key", flat=True))
    assert keys == {item["key"] for item in read_items()}
    migration.load(apps, None)
    assert StatutoryItem.objects.count() == len(keys)
