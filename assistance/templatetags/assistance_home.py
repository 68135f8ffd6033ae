"""The assistance card of the home page: the signed-in user's queue with counts (core's home page
includes the app's _home.html, which loads this tag; core never names the app)."""

from django import template

from assistance.selectors import home_queue

register = template.Library()


@register.inclusion_tag("assistance/_home_queue.html", takes_context=True)
def assistance_queue(context):
    request = context["request"]
    return {"queue": home_queue(user=request.user), "perms": context.get("perms")}
