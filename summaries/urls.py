from django.urls import path

from summaries import views

app_name = "summaries"

urlpatterns = [
    path("", views.SummaryIndexView.as_view(), name="index"),
    path("templates/new/", views.TemplateCreateView.as_view(), name="template_create"),
    path("templates/<int:year>/edit/", views.TemplateEditView.as_view(), name="template_edit"),
    path("<int:year>/board/", views.BoardView.as_view(), name="board"),
    path("<int:year>/export/", views.ExportStartView.as_view(), name="export"),
    path("<int:year>/<str:code>/", views.SummaryDetailView.as_view(), name="detail"),
    path("<int:year>/<str:code>/save/", views.SummarySaveView.as_view(), name="save"),
    path("<int:year>/<str:code>/review/", views.SummaryReviewView.as_view(), name="review"),
    path("<int:year>/<str:code>/attachments/", views.AttachmentAddView.as_view(), name="attachment_add"),
    path("<int:year>/<str:code>/attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
    path(
        "<int:year>/<str:code>/attachments/<int:pk>/remove/",
        views.AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
]
