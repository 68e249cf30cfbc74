from django.urls import path

from brands import views

app_name = "brands"

urlpatterns = [
    path("", views.EntryListView.as_view(), name="entry_list"),
    path("download/<str:kind>/", views.EntryDownloadView.as_view(), name="entry_download"),
]
