from django.urls import path

from selections import views

app_name = "selections"

urlpatterns = [
    path("", views.CallListView.as_view(), name="call_list"),
    path("new/", views.CallCreateView.as_view(), name="call_create"),
    path("<int:pk>/", views.CallDetailView.as_view(), name="call_detail"),
    path("<int:pk>/files/<int:attachment_pk>/", views.CallAttachmentDownloadView.as_view(), name="call_attachment"),
    path("<int:pk>/edit/", views.CallEditView.as_view(), name="call_edit"),
    path("<int:pk>/recommend/", views.RecommendView.as_view(), name="recommend"),
    path("applications/<int:pk>/", views.ApplicationView.as_view(), name="application_detail"),
    path(
        "applications/<int:pk>/files/<int:attachment_pk>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path("reviews/<int:pk>/", views.ReviewView.as_view(), name="review"),
    path("notice/", views.NoticeView.as_view(), name="notice"),
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/files/<int:attachment_pk>/", views.CaseFileView.as_view(), name="case_file"),
]
