"""The OpenAPI schema's extras: the one error format, documented on every operation."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Machine-readable: invalid, not_found, not_authenticated, throttled, locked_out, conflict, ..."
    )
    message = serializers.CharField(help_text="A sentence for people.")
    # The metaclass moves declared fields off the class, so this does not shadow Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        help_text="Field (or query parameter) name → list of messages; empty unless code is `invalid`."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_ERROR_DESCRIPTIONS = {
    "400": "Invalid input: a field, a query parameter, malformed JSON or a NUL byte.",
    "401": "Not authenticated, or an invalid token.",
    "403": "Authenticated but without the permission this needs.",
    "404": "No such object, or no such page.",
    "405": "Method not allowed.",
    "406": "Not acceptable (the Accept header asks for a format the API does not serve).",
    "409": "Conflicts with the record (still referred to, or a uniqueness rule).",
    "413": "Request body too large.",
    "415": "Unsupported media type (send JSON).",
    "429": (
        "Too many requests (code throttled), or log-ins locked after repeated wrong passwords (code locked_out); "
        "retry after the Retry-After header's seconds."
    ),
}
_READ_ERRORS = ["400", "401", "403", "404", "405", "406", "413", "429"]
_WRITE_ERRORS = [*_READ_ERRORS, "409", "415"]


class ErrorDocumentingAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the one error format documented on every operation."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        codes = _READ_ERRORS if self.method in {"GET", "HEAD", "OPTIONS"} else _WRITE_ERRORS
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[code]), code, direction=direction
                )
        return responses
