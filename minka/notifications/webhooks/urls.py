"""Routes of this part, spread into ``minka/notifications/urls.py`` (namespace
``notifications``): the coordinators' webhook pages."""

from django.urls import URLPattern, path

from minka.notifications.webhooks import views

urlpatterns: list[URLPattern] = [
    path("notificaciones/webhooks/", views.webhook_list, name="webhook-list"),
    path("notificaciones/webhooks/nuevo/", views.webhook_create, name="webhook-create"),
    path(
        "notificaciones/webhooks/<int:pk>/entregas/",
        views.webhook_deliveries,
        name="webhook-deliveries",
    ),
    path("notificaciones/webhooks/<int:pk>/editar/", views.webhook_edit, name="webhook-edit"),
    path("notificaciones/webhooks/<int:pk>/secreto/", views.webhook_rotate, name="webhook-rotate"),
    path("notificaciones/webhooks/<int:pk>/activar/", views.webhook_enable, name="webhook-enable"),
    path("notificaciones/webhooks/<int:pk>/probar/", views.webhook_test, name="webhook-test"),
    path("notificaciones/webhooks/<int:pk>/eliminar/", views.webhook_delete, name="webhook-delete"),
]
