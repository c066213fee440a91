"""API tokens: a user creates (or fetches) their own token and revokes it. One token per user.

Password guesses here count towards the same lockout as the login pages (django-axes: `authenticate`
gets the Django request), and a token is revoked whenever its user's password changes
(apps.accounts.services.user_password_set)."""

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.lockout import lockout_message
from apps.common.throttling import ClientAnonRateThrottle, ClientUserRateThrottle


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Too many failed log-in attempts."
    default_code = "locked_out"


class TokenCredentialsThrottle(ClientAnonRateThrottle):
    """Password guesses against the token endpoint: few per minute per client, whatever the global rate."""

    scope = "token"
    rate = "20/minute"


class TokenRequestSerializer(serializers.Serializer):
    # The User model's limit: a longer name is no one's, and the lockout records names up to 255 characters.
    username = serializers.CharField(required=False, max_length=150, help_text="Not needed when already signed in.")
    password = serializers.CharField(required=False, style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text='Send it as the header "Authorization: Token <token>".')
    username = serializers.CharField()
    created = serializers.DateTimeField()


def _signed_in(request: Request) -> Any:
    """The signed-in user (IsAuthenticated has run), typed loosely for the ORM lookup."""
    return request.user


def _token_response(token: Token, code: int) -> Response:
    data = {"token": token.key, "username": token.user.get_username(), "created": token.created}
    return Response(TokenSerializer(data).data, status=code)  # the serializer writes times as the API does


class TokenView(APIView):
    """Create, read or revoke your own API token."""

    throttle_classes = [TokenCredentialsThrottle, ClientUserRateThrottle]

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        tags=["auth"],
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 201: TokenSerializer},
        summary="Create your token (or get the existing one)",
        description="Signed in (session or token): no body needed. Otherwise send username and password.",
    )
    def post(self, request: Request) -> Response:
        user = request.user if request.user.is_authenticated else None
        if user is None:
            serializer = TokenRequestSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            username = serializer.validated_data.get("username")
            password = serializer.validated_data.get("password")
            if not username or not password:
                raise exceptions.ValidationError(
                    {"username": ["Send username and password, or sign in first."]}
                    if not username
                    else {"password": ["This field is required."]}
                )
            user = authenticate(request._request, username=username, password=password)
            if getattr(request._request, "axes_locked_out", False):
                raise LockedOut(lockout_message())
            if user is None or not user.is_active:
                raise exceptions.AuthenticationFailed("Wrong username or password.")
        token, created = Token.objects.get_or_create(user=user)
        return _token_response(token, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(tags=["auth"], responses={200: TokenSerializer}, summary="Your current token")
    def get(self, request: Request) -> Response:
        token = Token.objects.filter(user=_signed_in(request)).first()
        if token is None:
            raise exceptions.NotFound("You have no token yet: POST to create one.")
        return _token_response(token, status.HTTP_200_OK)

    @extend_schema(tags=["auth"], responses={204: None}, summary="Revoke your token")
    def delete(self, request: Request) -> Response:
        deleted, _ = Token.objects.filter(user=_signed_in(request)).delete()
        if not deleted:
            raise exceptions.NotFound("You have no token to revoke.")
        return Response(status=status.HTTP_204_NO_CONTENT)
