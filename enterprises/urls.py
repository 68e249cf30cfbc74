from django.urls import path

from enterprises import views
from products.views import EnterpriseProfileView

app_name = "enterprises"

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("register/", views.EnterpriseRegisterView.as_view(), name="enterprise_register"),
    path("claims/", views.ClaimListView.as_view(), name="claim_list"),
    path("claims/<int:pk>/decide/", views.ClaimDecideView.as_view(), name="claim_decide"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="enterprise_edit"),
    path("<int:pk>/suppliers/", views.SupplierLinkCreateView.as_view(), name="supplierlink_create"),
    path(
        "<int:pk>/suppliers/<int:link_pk>/delete/", views.SupplierLinkDeleteView.as_view(), name="supplierlink_delete"
    ),
    path(
        "<int:pk>/customers/<int:link_pk>/respond/",
        views.SupplierLinkRespondView.as_view(),
        name="supplierlink_respond",
    ),
    path("<int:pk>/supply-chain/", views.SupplyChainView.as_view(), name="supply_chain"),
    path("<int:pk>/profile/", EnterpriseProfileView.as_view(), name="public_profile"),  # what is published about it
]
