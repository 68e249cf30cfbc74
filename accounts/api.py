"""Token issue for API clients: the password, and for roles that need it the second factor too."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken

from accounts import mfa


class TokenObtainInputSerializer(AuthTokenSerializer):
    code = serializers.CharField(
        label=_("Second-factor code"),
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_("Required for roles that log in with a second factor: a code from the authenticator app."),
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = attrs["user"]
        if not mfa.mfa_required(user):
            return attrs
        if mfa.mfa_device(user) is None:
            raise serializers.ValidationError(
                _("Set up your second factor in the browser first (log in there once)."), code="second_factor_missing"
            )
        if not attrs.get("code"):
            raise serializers.ValidationError(
                {"code": [_("Enter the code from your authenticator app.")]}, code="second_factor_required"
            )
        request = self.context["request"]
        if (
            mfa.mfa_check(request=request, user=user, code=attrs["code"], allow_recovery=False, step="api_token")
            is None
        ):
            raise serializers.ValidationError({"code": [_("That code is not right.")]}, code="wrong_code")
        return attrs


class TokenObtainView(ObtainAuthToken):
    """POST username, password (and ``code`` where a second factor is required) for an API token."""

    serializer_class = TokenObtainInputSerializer
