from django import template

from care.selectors import open_alerts_for

register = template.Library()


@register.inclusion_tag("care/_home_alerts.html", takes_context=True)
def care_alerts(context):
    """The open care alerts of the signed-in person (overdue visits, reassessments due)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    alerts = list(open_alerts_for(user=user)) if user and user.is_authenticated else []
    return {"care_alerts": alerts}
