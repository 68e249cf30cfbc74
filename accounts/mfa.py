"""The second factor (MLPS level 3): a TOTP authenticator app, and ten one-time recovery codes (django-otp).

Who is asked: users holding a role in ``settings.MFA_REQUIRED_ROLES``. After the password they enrol once (scan a QR
code, confirm a code, receive recovery codes) and from then on enter a code after every password login
(``accounts.middleware.SecondFactorMiddleware`` keeps every other page shut until they have). A wrong code counts
toward the same account lockout as a wrong password (django-axes) and is audited; a code is accepted once only.
"""

import re
import time
from base64 import b32encode
from binascii import unhexlify

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, verify_token
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts.choices import AuditAction
from accounts.models import User
from accounts.services import audit_record, login_failures_reset, require_security_admin
from core.exceptions import DomainError

RECOVERY_CODE_COUNT = 10
TOTP_DIGITS = 6
# The secret being enrolled and the recovery codes waiting to be shown once live in the session, nowhere else.
ENROL_KEY_SESSION_KEY = "qp_mfa_enrol_key"
FRESH_CODES_SESSION_KEY = "qp_mfa_fresh_codes"


class SecondFactorError(DomainError):
    default_code = "second_factor"


def mfa_required(user) -> bool:
    """Whether ``user`` must pass a second factor after the password (a role in ``MFA_REQUIRED_ROLES``)."""
    return bool(user.is_authenticated and user.roles & set(settings.MFA_REQUIRED_ROLES))


def mfa_device(user) -> TOTPDevice | None:
    """``user``'s confirmed authenticator app, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise_code(code: str) -> str:
    """What the user typed, as stored: spaces and hyphens dropped, lower case (recovery codes are base32)."""
    return re.sub(r"[\s-]", "", code or "").lower()


def enrolment_key(request: HttpRequest) -> str:
    """The secret offered to this session for enrolment (hex): the same on every reload until it is confirmed, so
    the QR code already scanned stays valid."""
    key = request.session.get(ENROL_KEY_SESSION_KEY)
    if not key:
        key = request.session[ENROL_KEY_SESSION_KEY] = random_hex(20)
    return key


def enrolment_details(*, user: User, key: str) -> dict:
    """What the enrolment page shows: the otpauth:// URL (for the QR code) and the secret in base32 for typing."""
    secret = b32encode(unhexlify(key)).decode()
    return {
        "config_url": TOTPDevice(user=user, key=key).config_url,
        "secret": secret,
        "secret_grouped": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


def _new_recovery_codes(user: User) -> list[str]:
    """Replace ``user``'s recovery codes with ten new ones (each works once; used ones are deleted)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def mfa_enrol(*, request: HttpRequest, user: User, key: str, code: str) -> list[str]:
    """Confirm the authenticator app holding ``key`` with a code from it: the device is stored, this session counts
    as verified, ten recovery codes are issued (returned, to be shown once) and the enrolment is audited. A wrong
    code is audited (outside the transaction, so that the row stays) and refused."""
    totp = TOTP(unhexlify(key), step=30, digits=TOTP_DIGITS)
    totp.time = time.time()
    code = normalise_code(code)
    if not (code.isdigit() and len(code) == TOTP_DIGITS and totp.verify(int(code), tolerance=1)):
        audit_record(
            action=AuditAction.MFA_FAILED, actor=user, request=request, success=False, details={"step": "enrol"}
        )
        raise SecondFactorError(
            _("That code does not match. Check the time on your phone and enter the code shown now."),
            code="wrong_code",
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user,
            key=key,
            name=_("Authenticator app"),
            confirmed=True,
            last_t=totp.t(),  # the code just used cannot be used again
            drift=totp.drift,
        )
        codes = _new_recovery_codes(user)
        login_failures_reset(user=user)
        audit_record(action=AuditAction.MFA_ENROLLED, actor=user, request=request, target=user)
        audit_record(
            action=AuditAction.RECOVERY_CODES, actor=user, request=request, target=user, details={"count": len(codes)}
        )
    request.session.pop(ENROL_KEY_SESSION_KEY, None)
    otp_login(request, device)
    return codes


def _code_failed(*, request: HttpRequest, user: User, step: str) -> None:
    """A wrong second-factor code: django-axes counts it like a wrong password (and locks the account at the
    limit); the audit receiver records it as a failed second factor."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username(), "second_factor": step},
        request=getattr(request, "_request", request),
    )


def mfa_check(*, request: HttpRequest, user: User, code: str, allow_recovery: bool = True, step: str = "login"):
    """The device that accepts ``code`` (the authenticator app for six digits, else a recovery code, which is then
    used up), or None after counting and auditing the failure. Nothing is written to the session."""
    code = normalise_code(code)
    if code.isdigit() and len(code) == TOTP_DIGITS:
        device = mfa_device(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first() if allow_recovery else None
    accepted = verify_token(user, device.persistent_id, code) if device is not None and code else None
    if accepted is None:
        _code_failed(request=request, user=user, step=step)
        return None
    method = "recovery_code" if isinstance(accepted, StaticDevice) else "totp"
    details = {"method": method, "step": step}
    if method == "recovery_code":
        details["recovery_codes_left"] = recovery_codes_left(user)
    login_failures_reset(user=user)
    audit_record(action=AuditAction.MFA_VERIFIED, actor=user, request=request, details=details)
    return accepted


def mfa_verify(*, request: HttpRequest, user: User, code: str):
    """Check ``code`` after the password; when it is right, this session counts as verified."""
    device = mfa_check(request=request, user=user, code=code)
    if device is not None:
        otp_login(request, device)
    return device


def recovery_codes_regenerate(*, request: HttpRequest, user: User, code: str) -> list[str]:
    """Ten new recovery codes for a fresh code from the authenticator app (not a recovery code); the old ones stop
    working. Audited. (The code is checked outside the transaction: a failure must stay counted.)"""
    if mfa_check(request=request, user=user, code=code, allow_recovery=False, step="recovery_codes") is None:
        raise SecondFactorError(_("That code is not right."), code="wrong_code")
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(
            action=AuditAction.RECOVERY_CODES, actor=user, request=request, target=user, details={"count": len(codes)}
        )
    return codes


def recovery_codes_text(*, user: User, codes: list[str]) -> str:
    """The codes as a text file to keep somewhere safe."""
    lines = [
        _("QualityPath recovery codes for {username}").format(username=user.get_username()),
        _("Issued {when}. Each code works once, in place of a code from your authenticator app.").format(
            when=timezone.localtime().strftime("%Y-%m-%d %H:%M")
        ),
        "",
        *codes,
        "",
    ]
    return "\n".join(lines)


@transaction.atomic
def mfa_reset(*, user: User, by: User, request: HttpRequest | None = None) -> User:
    """Remove ``user``'s authenticator app and recovery codes (a lost phone): a security administrator's act,
    audited. Their sessions lose their verification at once; at the next login they enrol again."""
    require_security_admin(by, user)
    had_app = TOTPDevice.objects.filter(user=user).delete()[0] > 0
    StaticDevice.objects.filter(user=user).delete()
    audit_record(action=AuditAction.MFA_RESET, actor=by, request=request, target=user, details={"had_app": had_app})
    return user


def session_forget_verification(request: HttpRequest) -> None:
    """A new login starts unverified, even when the session (same user) was verified before."""
    if hasattr(request, "session"):
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
