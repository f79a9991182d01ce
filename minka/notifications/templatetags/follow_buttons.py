"""``{% follow_button "meetings.series" series.pk %}``: the follow button of a page.

For a signed-in person only (visitors see nothing); one query says whether they follow the
target already. The page shows it only on an object the person may see, and the follow
view checks that again.
"""

from __future__ import annotations

from typing import Any

from django import template

from minka.notifications import permissions, selectors
from minka.notifications.follows import follow_target_get

register = template.Library()


@register.inclusion_tag("notifications/partials/follow_button.html", takes_context=True)
def follow_button(context: template.Context, target_type: str, target_id: int) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not permissions.can_manage_own_notifications(user):
        return {}
    try:
        target = follow_target_get(target_type)
    except LookupError:  # the owning app is switched off
        return {}
    return {
        "target": target,
        "target_id": target_id,
        "following": selectors.follow_exists(user, target_type, target_id),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
