"""Keep the integration's secrets out of other code's log lines.

Home Assistant's webhook component and HTTP helper name the webhook id at debug
and info level ("Handling webhook POST payload for <id>", "Serving
/api/webhook/<id> to …", "Received message for unregistered webhook <id>"), and
aiohttp's access log names the path when a user turns it on; pysignalr logs the
handshake headers, Shoko's API key among them. A filter on those loggers rewrites
a line that holds a secret of ours before any handler sees it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
import logging
from typing import Final

REDACTED: Final = "**REDACTED**"


class SecretRedactor(logging.Filter):
    """Replaces registered secrets in the lines of the loggers it is attached to.

    Secrets are kept per owner (a hub, a flow), so two owners may share one and
    each can drop its own. The filter is attached only while a secret is known.
    """

    def __init__(self, *logger_names: str) -> None:
        """Watch the loggers named (nothing is attached before a secret comes)."""
        super().__init__()
        self._loggers = [logging.getLogger(name) for name in logger_names]
        self._owned: dict[object, frozenset[str]] = {}
        self._secrets: frozenset[str] = frozenset()

    @property
    def secrets(self) -> frozenset[str]:
        """Return every secret currently hidden."""
        return self._secrets

    def keep(self, owner: object, secrets: Iterable[str]) -> None:
        """Hide `secrets` for `owner`, replacing what it registered before."""
        self._owned[owner] = frozenset(secret for secret in secrets if secret)
        self._update()

    def forget(self, owner: object) -> None:
        """Stop hiding the secrets only `owner` registered."""
        self._owned.pop(owner, None)
        self._update()

    @contextmanager
    def hiding(self, secret: str) -> Iterator[None]:
        """Hide one secret for the duration of a block."""
        owner = object()
        self.keep(owner, (secret,))
        try:
            yield
        finally:
            self.forget(owner)

    def _update(self) -> None:
        had = bool(self._secrets)
        self._secrets = frozenset().union(*self._owned.values())
        if self._secrets and not had:
            for logger in self._loggers:
                logger.addFilter(self)
        elif had and not self._secrets:
            for logger in self._loggers:
                logger.removeFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message when it holds a secret; keep the record."""
        secrets = self._secrets
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is left to logging
            return True
        if any(secret in message for secret in secrets):
            for secret in secrets:
                message = message.replace(secret, REDACTED)
            record.msg = message
            record.args = None
        return True


# Webhook ids of every hub (and of a service being added) in Home Assistant's
# webhook, HTTP and aiohttp access lines.
WEBHOOK_IDS: Final = SecretRedactor(
    "homeassistant.components.webhook",
    "homeassistant.helpers.http",
    "homeassistant.components.http.ban",
    "aiohttp.access",
)
