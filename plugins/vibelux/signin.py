"""Sign-in with a VibeLux account: an RS256 JWT verified against VibeLux's public key or JWKS file.

VibeLux sends the seller here with a token whose claims are::

    sub          the VibeLux user id (stable; the link is kept by it)
    email        the user's verified email address
    facility_id  the VibeLux facility the user belongs to
    aud          VIBELUX_JWT_AUDIENCE (this storefront)
    iss          VIBELUX_JWT_ISSUER, when that setting is not blank
    exp, iat     expiry and issue time (both required)

The facility id picks the grower through its VibeLux connection. The first
sign-in links the VibeLux user to the storefront user with that email (made
if there is none) and adds them to the grower's users with dashboard access;
later sign-ins follow the link.
"""

import json
from pathlib import Path

import jwt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from . import settings as vl_settings
from .models import Connection, VibeLuxAccount

REQUIRED_CLAIMS = ["sub", "email", "facility_id", "aud", "exp", "iat"]


class SignInRefused(Exception):
    """The token cannot sign anyone in; the message says why, in words a seller can act on."""


def _key_for(token):
    jwks_file = vl_settings.get("VIBELUX_JWT_JWKS_FILE")
    if jwks_file:
        try:
            keys = jwt.PyJWKSet.from_dict(json.loads(Path(jwks_file).read_text()))
        except (OSError, ValueError, jwt.PyJWTError) as exc:
            raise SignInRefused(f"VibeLux sign-in is misconfigured: the JWKS file cannot be read ({exc}).") from None
        kid = jwt.get_unverified_header(token).get("kid")
        for key in keys.keys:
            if kid is None or key.key_id == kid:
                return key.key
        raise SignInRefused(f"The token was signed with key {kid!r}, which is not in VibeLux's published keys.")
    pem = vl_settings.get("VIBELUX_JWT_PUBLIC_KEY")
    key_file = vl_settings.get("VIBELUX_JWT_PUBLIC_KEY_FILE")
    if not pem and key_file:
        try:
            pem = Path(key_file).read_text()
        except OSError as exc:
            raise SignInRefused(f"VibeLux sign-in is misconfigured: the public key file cannot be read ({exc}).") from None
    if not pem:
        raise SignInRefused("VibeLux sign-in is not configured on this storefront (no public key).")
    return pem


def verify_token(token):
    """The token's claims, or SignInRefused with a clear reason (expired, wrong audience, bad signature...)."""
    token = (token or "").strip()
    if not token:
        raise SignInRefused("No sign-in token was given.")
    try:
        key = _key_for(token)
        issuer = vl_settings.get("VIBELUX_JWT_ISSUER") or None
        return jwt.decode(
            token, key, algorithms=["RS256"], audience=vl_settings.get("VIBELUX_JWT_AUDIENCE"), issuer=issuer,
            leeway=vl_settings.get("VIBELUX_JWT_LEEWAY"), options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError:
        raise SignInRefused("The sign-in token has expired; sign in again from VibeLux.") from None
    except jwt.InvalidAudienceError:
        raise SignInRefused(
            f"The sign-in token is meant for another application, not this storefront "
            f"(expected audience {vl_settings.get('VIBELUX_JWT_AUDIENCE')!r})."
        ) from None
    except jwt.InvalidIssuerError:
        raise SignInRefused(f"The sign-in token was not issued by {vl_settings.get('VIBELUX_JWT_ISSUER')!r}.") from None
    except jwt.InvalidSignatureError:
        raise SignInRefused("The sign-in token's signature does not match VibeLux's key; it was altered or forged.") from None
    except jwt.MissingRequiredClaimError as exc:
        raise SignInRefused(f"The sign-in token lacks the {exc.claim!r} claim.") from None
    except jwt.ImmatureSignatureError:
        raise SignInRefused("The sign-in token is not valid yet; check the clocks.") from None
    except jwt.InvalidAlgorithmError:
        raise SignInRefused("The sign-in token is not signed with RS256, the only algorithm accepted.") from None
    except jwt.DecodeError as exc:
        raise SignInRefused(f"The sign-in token could not be read: {exc}.") from None
    except jwt.PyJWTError as exc:
        raise SignInRefused(f"The sign-in token was refused: {exc}.") from None


def user_for_claims(claims):
    """The storefront user the claims sign in, linking the account on first use."""
    connection = Connection.objects.select_related("partner").filter(
        facility_id=claims["facility_id"], is_active=True
    ).first()
    if connection is None:
        raise SignInRefused(
            f"VibeLux facility {claims['facility_id']!r} is not connected to a grower on this storefront; "
            "ask the storefront team to connect it."
        )
    with transaction.atomic():
        account = VibeLuxAccount.objects.select_related("user").filter(subject=claims["sub"]).first()
        if account is not None and account.connection_id != connection.pk:
            raise SignInRefused("This VibeLux account is linked to another grower here; ask the storefront team.")
        if account is None:
            User = get_user_model()
            email = str(claims["email"]).strip().lower()
            user = User.objects.filter(email__iexact=email).order_by("pk").first()
            if user is None:
                user = User.objects.create_user(
                    username=f"vibelux-{claims['sub']}"[:150], email=email, password=None
                )
            account = VibeLuxAccount.objects.create(subject=claims["sub"], user=user, connection=connection)
        user = account.user
        if not user.is_active:
            raise SignInRefused("This storefront account is switched off.")
        connection.partner.users.add(user)
        user.user_permissions.add(Permission.objects.get(codename="dashboard_access", content_type__app_label="partner"))
        VibeLuxAccount.objects.filter(pk=account.pk).update(last_login_at=timezone.now())
    return user
