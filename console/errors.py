"""Errors of the console package; `console.pages` turns each into one status and one page.

ConsoleError
├── LoginRequiredError   (303 to the login page)   no valid session cookie
├── CsrfError            (403, code "csrf")         a POST without the session's token
├── RoleRequiredError    (403, code "forbidden")    the page needs a higher role
└── InvalidFormError     (400, code "invalid_form") a value outside what the form offers
Escalation errors map too: NotFoundError 404, AlreadyTakenError and TransitionRefusedError 409,
InvalidMessageError 400.
"""

from __future__ import annotations


class ConsoleError(Exception):
    code = "console_error"
    status = 400


class LoginRequiredError(ConsoleError):
    code = "login_required"
    status = 303


class CsrfError(ConsoleError):
    code = "csrf"
    status = 403


class RoleRequiredError(ConsoleError):
    code = "forbidden"
    status = 403


class InvalidFormError(ConsoleError):
    code = "invalid_form"
    status = 400
