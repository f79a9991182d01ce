"""View decorators: a view's permission, checked with an app's predicate."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

V = TypeVar("V", bound=Callable[..., HttpResponse])


def permission_required(predicate: Callable[[Any], bool]) -> Callable[[V], V]:
    """Let the request through when ``predicate(request.user)`` allows it. Otherwise a
    visitor is sent to sign in (302) and a signed-in user is refused (403)."""

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if predicate(request.user):
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied

        return wrapper  # type: ignore[return-value]  # wraps() keeps the view's signature

    return decorator
