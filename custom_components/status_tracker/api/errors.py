"""Errors raised by the upstream service clients.

Messages never contain credentials: clients send keys in headers only and build
messages from the service name, host and request path.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base class for every error an upstream client raises."""


class CannotConnect(ServiceError):
    """The service could not be reached (network error, TLS error or timeout)."""


class InvalidAuth(ServiceError):
    """The service refused the credentials (HTTP 401 or 403)."""


class Banned(InvalidAuth):
    """The service refuses this client's IP after too many failed logins.

    qBittorrent answers ``403`` to a login from a banned address (one hour by
    default). Retrying cannot succeed before the ban expires, so callers should stop
    and tell the user.
    """


class UnexpectedResponse(ServiceError):
    """The service answered, but not with what the client expected."""


class NotFound(UnexpectedResponse):
    """The service answered HTTP 404 to a call that names one object.

    Raised only by calls that address an object by id (delete, get by id), where
    404 means the object does not exist (any more), so callers can report
    "not found" rather than "failed". Other calls keep raising UnexpectedResponse
    for 404, which there rather means a wrong base path.
    """


class Conflict(UnexpectedResponse):
    """The service answered HTTP 409: the object is not in a state that allows the call.

    Raised only by calls that change one object by id, where 409 means the
    service refuses the change for that object's current state (Seerr's
    retry of a request that has not failed, docs/protocols.md §4.3).
    """
