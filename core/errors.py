"""The one error hierarchy. Domain code raises; API handlers, the Open311 adapter and
`core.http.render_error` (through `core.middleware.RefusalMiddleware`) render."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    code = "error"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, *, code=None, data=None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.data = data or {}
        super().__init__(str(self.message))


class NotFound(ApplicationError):
    """Missing and out of scope look the same."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Forbidden(ApplicationError):
    code = "forbidden"
    status = 403
    default_message = _("You may not do this.")


class Conflict(ApplicationError):
    code = "conflict"
    status = 409
    default_message = _("Someone else changed this first. Reload and try again.")


class RateLimited(ApplicationError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many requests. Please wait and try again.")


class InvalidInput(ApplicationError):
    """A form that did not validate: each problem is one line, named by its field."""

    code = "invalid"
    status = 400
    default_message = _("Please correct this and try again:")

    def __init__(self, problems, message=None):
        super().__init__(message, data={"problems": list(problems)})

    @property
    def problems(self) -> list:
        return self.data["problems"]

    def __str__(self):
        return " ".join([str(self.message), *map(str, self.problems)])


def validated(obj, **kwargs) -> None:
    """`full_clean()` before a service saves, with Django's validation errors turned into our
    one error type (code "invalid", the messages in one line); `kwargs` go to `full_clean`."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), code="invalid") from None
