"""The directory's routes: public pages, "Mis datos", and the coordinators' management."""

from minka.directory import urls_manage, urls_mydata, urls_public

app_name = "directory"
urlpatterns = [*urls_public.urlpatterns, *urls_mydata.urlpatterns, *urls_manage.urlpatterns]
