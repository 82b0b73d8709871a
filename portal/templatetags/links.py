"""{% absolute_url %}: portal.links.absolute_url for templates, so an email's
links are built the one way: {% absolute_url "policies:detail" p.slug %}, with
keyword arguments as the query ({% absolute_url "policies:library" review="overdue" %})."""

from django import template

from portal.links import absolute_url as _absolute_url

register = template.Library()


@register.simple_tag(name="absolute_url")
def absolute_url(name: str, *args, **query) -> str:
    return _absolute_url(name, *args, query=query or None)
