"""The "Price editors" group: exactly the permissions editing price books needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Price editors"
PERMISSIONS = [
    f"{action}_{model}"
    for model in ("pricebook", "rate", "instancetype")
    for action in ("add", "change", "delete", "view")
] + ["view_pricechange"]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now so the group
    # can hold them on a fresh database.
    app_config = apps.get_app_config("advisor")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    perms = Permission.objects.filter(content_type__app_label="advisor", codename__in=PERMISSIONS)
    group.permissions.set(perms)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("advisor", "0002_audit_fields_and_validation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
