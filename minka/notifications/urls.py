from django.urls import path

from minka.notifications import views
from minka.notifications.telegram import urls as telegram_urls
from minka.notifications.webhooks import urls as webhook_urls

app_name = "notifications"
urlpatterns = [
    path("cuenta/notificaciones/baja/<str:token>/", views.unsubscribe, name="unsubscribe"),
    *telegram_urls.urlpatterns,
    *webhook_urls.urlpatterns,
]
