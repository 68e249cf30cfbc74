from django.urls import path

from knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="document_list"),
    path("new/", views.DocumentFormView.as_view(), name="document_create"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path("<int:pk>/edit/", views.DocumentFormView.as_view(), name="document_edit"),
    path("<int:pk>/files/<int:attachment_pk>/", views.AttachmentDownloadView.as_view(), name="document_attachment"),
]
