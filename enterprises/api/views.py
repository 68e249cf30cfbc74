from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response

from accounts.choices import Role
from core.api import path_id
from enterprises import selectors, services
from enterprises.api.serializers import (
    AuthoritySerializer,
    EnterpriseCreateInputSerializer,
    EnterpriseSerializer,
    IndustrySerializer,
    RegionSerializer,
)
from enterprises.filters import EnterpriseFilterSet, RegionFilterSet


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """GB/T 2260 regions: provinces and prefecture-level cities. Filter by `level` and `parent`."""

    permission_classes = [permissions.AllowAny]
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    pagination_class = None
    queryset = selectors.region_list()


class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    """GB/T 4754-2017 manufacturing divisions 13-43."""

    permission_classes = [permissions.AllowAny]
    serializer_class = IndustrySerializer
    pagination_class = None
    queryset = selectors.industry_list()


class AuthorityViewSet(viewsets.ReadOnlyModelViewSet):
    """The 37 authorities and the regions each oversees."""

    permission_classes = [permissions.AllowAny]
    serializer_class = AuthoritySerializer
    pagination_class = None
    queryset = selectors.authority_list()


class CanRegisterEnterprises(permissions.BasePermission):
    message = _("Only authorities, national staff and platform administrators register enterprises directly.")

    def has_permission(self, request, view):
        if view.action != "create":
            return True
        return request.user.has_role(Role.AUTHORITY, Role.NATIONAL, Role.PLATFORM_ADMIN)


class EnterpriseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Enterprises in the caller's scope. Creating one validates the unified social credit code."""

    permission_classes = [permissions.IsAuthenticated, CanRegisterEnterprises]
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet

    def get_queryset(self):
        return selectors.enterprise_list(user=self.request.user)

    def get_object(self):
        return selectors.enterprise_get(user=self.request.user, pk=path_id(self.kwargs["pk"]), request=self.request)

    @extend_schema(request=EnterpriseCreateInputSerializer, responses={201: EnterpriseSerializer})
    def create(self, request, *args, **kwargs):
        serializer = EnterpriseCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enterprise = services.enterprise_create(by=request.user, request=request._request, **serializer.validated_data)
        return Response(EnterpriseSerializer(enterprise).data, status=status.HTTP_201_CREATED)
