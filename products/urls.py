from django.urls import path

from products import views

app_name = "products"

urlpatterns = [
    path("", views.EntryListView.as_view(), name="entry_list"),
    path("download/<str:kind>/", views.EntryDownloadView.as_view(), name="entry_download"),
    path("grading/", views.GradingListView.as_view(), name="grading_list"),
    path("grading/download/<str:kind>/", views.GradingDownloadView.as_view(), name="grading_download"),
    path("inspections/", views.InspectionListView.as_view(), name="inspection_list"),
    path("inspections/download/<str:kind>/", views.InspectionDownloadView.as_view(), name="inspection_download"),
    path("inspections/import/", views.InspectionImportView.as_view(), name="inspection_import"),
    path("inspections/import/template/", views.InspectionTemplateView.as_view(), name="inspection_template"),
    path("inspections/import/jobs/<int:pk>/", views.InspectionJobView.as_view(), name="inspection_job"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
]
