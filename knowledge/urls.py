from django.urls import path

from knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="document_list"),
    path("new/", views.DocumentFormView.as_view(), name="document_create"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path("<int:pk>/edit/", views.DocumentFormView.as_view(), name="document_edit"),
    path("<int:pk>/files/<int:attachment_pk>/", views.AttachmentDownloadView.as_view(), name="document_attachment"),
    path("methods/", views.MethodListView.as_view(), name="method_list"),
    path("methods/<slug:code>/", views.MethodDetailView.as_view(), name="method_detail"),
    path("questions/", views.QuestionListView.as_view(), name="question_list"),
    path("questions/ask/", views.QuestionSubmitView.as_view(), name="question_submit"),
    path("questions/queue/", views.QuestionQueueView.as_view(), name="question_queue"),
    path("questions/<int:pk>/answer/", views.QuestionAnswerView.as_view(), name="question_answer"),
]
