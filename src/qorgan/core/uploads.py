"""Request bodies refused while they stream in, never after they are read whole.

- ``RequestSizeLimitMiddleware`` answers 413 before anything reads a body whose declared
  length (``Content-Length``) is over ``REQUEST_MAX_BYTES``: a 200 MB upload costs nothing.
- ``LimitedUploadHandler`` (first of ``FILE_UPLOAD_HANDLERS``) counts the bytes of each file as
  they arrive and stops the upload past ``ATTACHMENT_MAX_BYTES`` (a body sent without a length,
  or lying about it); the form then reports the file as too large.
The proxy in front (deploy/nginx) limits the body as well (``client_max_body_size``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


def request_max_bytes() -> int:
    return int(getattr(settings, "REQUEST_MAX_BYTES", settings.ATTACHMENT_MAX_BYTES + 1024 * 1024))


def _too_large_message() -> str:
    return _("The request is larger than %(megabytes)d MB.") % {
        "megabytes": max(1, request_max_bytes() // (1024 * 1024))
    }


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > request_max_bytes():
            message = _too_large_message()
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "request_too_large"}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading a file once it is over the attachment limit; marks the request."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.ATTACHMENT_MAX_BYTES:
            if self.request is not None:
                self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
