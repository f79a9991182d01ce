"""Routes of this part, spread into ``minka/notifications/urls.py`` (namespace
``notifications``)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
