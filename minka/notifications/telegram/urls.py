"""Routes of this part, spread into ``minka/notifications/urls.py`` (namespace
``notifications``)."""

from django.urls import URLPattern, path

from minka.notifications.telegram import views

urlpatterns: list[URLPattern] = [
    path("telegram/webhook/", views.telegram_webhook, name="telegram-webhook"),
    path("notificaciones/telegram/grupos/", views.telegramchat_list, name="telegramchat-list"),
    path(
        "notificaciones/telegram/grupos/nuevo/",
        views.telegramchat_create,
        name="telegramchat-create",
    ),
    path(
        "notificaciones/telegram/grupos/<int:pk>/",
        views.telegramchat_edit,
        name="telegramchat-edit",
    ),
    path(
        "notificaciones/telegram/grupos/<int:pk>/borrar/",
        views.telegramchat_delete,
        name="telegramchat-delete",
    ),
]
