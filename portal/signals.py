from django.conf import settings


def site_ensure(sender, using="default", **kwargs) -> None:
    """Names the Site row after the portal instead of Django's "example.com".

    Runs after every migrate and every test flush (both send post_migrate, after the sites app
    has created its default row); a name an admin has chosen is left alone.
    """
    from django.contrib.sites.models import Site

    domain = settings.SITE_URL.split("://", 1)[-1]
    site, created = Site.objects.using(using).get_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.DEFAULT_SITE_NAME}
    )
    if not created and site.domain == "example.com":
        site.domain = domain
        site.name = settings.DEFAULT_SITE_NAME
        site.save(using=using, update_fields=["domain", "name"])
    Site.objects.clear_cache()
