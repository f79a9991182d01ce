from django.urls import path

from minka.notifications import views
from minka.notifications.telegram import urls as telegram_urls
from minka.notifications.webhooks import urls as webhook_urls

app_name = "notifications"
urlpatterns = [
    path("cuenta/notificaciones/", views.preferences, name="preferences"),
    path("cuenta/notificaciones/seguir/", views.follow, name="follow"),
    path("cuenta/notificaciones/telegram/vincular/", views.telegram_link, name="telegram-link"),
    path(
        "cuenta/notificaciones/telegram/desvincular/",
        views.telegram_unlink,
        name="telegram-unlink",
    ),
    path("cuenta/notificaciones/baja/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("notificaciones/cola/", views.outbox, name="outbox"),
    path(
        "notificaciones/cola/<uuid:public_id>/reintentar/",
        views.message_retry,
        name="message-retry",
    ),
    *telegram_urls.urlpatterns,
    *webhook_urls.urlpatterns,
]
