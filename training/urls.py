from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.CourseListView.as_view(), name="course_list"),
    path("courses/new/", views.CourseFormView.as_view(), name="course_create"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course_detail"),
    path("courses/<int:pk>/edit/", views.CourseFormView.as_view(), name="course_edit"),
    path(
        "courses/<int:pk>/files/<int:attachment_pk>/", views.AttachmentDownloadView.as_view(), name="course_attachment"
    ),
    path("sessions/<int:pk>/enrol/", views.EnrolView.as_view(), name="session_enrol"),
    path("enrolments/<int:pk>/cancel/", views.EnrolmentCancelView.as_view(), name="enrolment_cancel"),
    path("enrolments/<int:pk>/certificate.pdf", views.CertificateView.as_view(), name="certificate"),
    path("certificates/verify/", views.CertificateVerifyView.as_view(), name="certificate_verify"),
    path("mine/", views.MyTrainingView.as_view(), name="my_training"),
    path("enterprise/", views.EnterpriseTrainingView.as_view(), name="enterprise_training"),
    path("organise/", views.OrganiserView.as_view(), name="organiser"),
    path("sessions/new/", views.SessionFormView.as_view(), name="session_create"),
    path("sessions/<int:pk>/edit/", views.SessionFormView.as_view(), name="session_edit"),
    path("sessions/<int:pk>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
]
