from django.conf import settings
from django.db import migrations


def set_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    domain = settings.SITE_URL.split("://", 1)[-1]
    site, created = Site.objects.get_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.DEFAULT_SITE_NAME}
    )
    if not created and site.domain == "example.com":
        site.domain = domain
        site.name = settings.DEFAULT_SITE_NAME
        site.save()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial"), ("sites", "0002_alter_domain_unique")]

    operations = [migrations.RunPython(set_site, migrations.RunPython.noop)]
