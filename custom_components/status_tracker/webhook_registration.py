"""Set up the integration's webhook in Seerr, Sonarr and Radarr, with consent.

Only for services whose user ticked "set up the webhook for me"
(CONF_REGISTER_WEBHOOK). Sonarr and Radarr get a Webhook connection named after
the hub (`registration_name`; ``/api/v3/notification``, docs/protocols.md §2.3). Seerr's one
webhook agent is pointed at Home Assistant with the payload template the parser
reads (``/api/v1/settings/notifications/webhook``, docs/protocols.md §4.2), unless it is on and
sends somewhere else: then it is left alone. Current Seerr takes that template
as text, older Seerr (and Overseerr, Jellyseerr) JSON-encoded once more, and
either accepts the other form only to fail at every notification. So the
template is tested as text first, then JSON-encoded, and saved in the form
whose test event arrived; an agent that needs rewriting is tested even at its
current URL. Turning the agent off, which no test can check, the template is
read back to tell the form.

Home Assistant's internal URL is tried first, then its external one. A URL is
taken only when the service's own test call succeeds *and* its test event
reached this webhook, so an address that answers but is not this Home Assistant
(or whose posts the "local network only" option drops) is never registered.
An existing registration is found by the webhook id in its URL (Sonarr/Radarr
also by the hub's registration name) and updated, never duplicated; when it is
current nothing is sent, not even a test. Each hub owns its own connection: two
hubs on one Sonarr never adopt each other's, and removing one hub's service
leaves the other's connection in place.

The webhook id is a secret: URLs holding it are never logged or shown. Logs and
forms name Home Assistant's address without the path (`display_url`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum
import json
import logging
from typing import Any, ClassVar, Final
from urllib.parse import urlsplit

from aiohttp import hdrs, web
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.network import NoURLAvailableError

from .api import (
    ArrClient,
    ArrNotification,
    InvalidAuth,
    NotFound,
    RadarrClient,
    SeerrClient,
    SeerrPayloadEncoding,
    SeerrWebhookSettings,
    ServiceClient,
    ServiceError,
    SonarrClient,
)
from .clients import ServiceInstance, create_client
from .const import CONF_REGISTER_WEBHOOK, CONF_WEBHOOK_ID, DOMAIN, ServiceType
from .log_redaction import WEBHOOK_IDS
from .runtime import StatusTrackerConfigEntry, signal_webhook

_LOGGER = logging.getLogger(__name__)

REGISTRABLE_SERVICES: Final = frozenset(
    {ServiceType.SEERR, ServiceType.SONARR, ServiceType.RADARR}
)


def registration_name(hub_name: str) -> str:
    """Return the name of a hub's Sonarr/Radarr connection.

    A connection of this name is taken as the hub's own (e.g. one left behind
    when its service could not be reached on removal); a connection of another
    hub has another name, so it is never taken over.
    """
    return f"Home Assistant (Status Tracker: {hub_name})"


# Seerr notification bits of media requests: PENDING 2, APPROVED 4, AVAILABLE 8,
# FAILED 16, DECLINED 64, AUTO_APPROVED 128, AUTO_REQUESTED 4096 (watchlist
# auto-requests). Test notifications are implied.
SEERR_MEDIA_TYPES: Final = 4318
# Seerr's default payload template (server/lib/settings/index.ts), the body the
# Seerr parser reads: every value a string, the {{...}} objects null if absent.
SEERR_TEMPLATE: Final[dict[str, Any]] = {
    "notification_type": "{{notification_type}}",
    "event": "{{event}}",
    "subject": "{{subject}}",
    "message": "{{message}}",
    "image": "{{image}}",
    "{{media}}": {
        "media_type": "{{media_type}}",
        "tmdbId": "{{media_tmdbid}}",
        "tvdbId": "{{media_tvdbid}}",
        "status": "{{media_status}}",
        "status4k": "{{media_status4k}}",
    },
    "{{request}}": {
        "request_id": "{{request_id}}",
        "requestedBy_email": "{{requestedBy_email}}",
        "requestedBy_username": "{{requestedBy_username}}",
        "requestedBy_avatar": "{{requestedBy_avatar}}",
        "requestedBy_settings_discordId": "{{requestedBy_settings_discordId}}",
        "requestedBy_settings_telegramChatId": (
            "{{requestedBy_settings_telegramChatId}}"
        ),
    },
    "{{issue}}": {
        "issue_id": "{{issue_id}}",
        "issue_type": "{{issue_type}}",
        "issue_status": "{{issue_status}}",
        "reportedBy_email": "{{reportedBy_email}}",
        "reportedBy_username": "{{reportedBy_username}}",
        "reportedBy_avatar": "{{reportedBy_avatar}}",
        "reportedBy_settings_discordId": "{{reportedBy_settings_discordId}}",
        "reportedBy_settings_telegramChatId": "{{reportedBy_settings_telegramChatId}}",
    },
    "{{comment}}": {
        "comment_message": "{{comment_message}}",
        "commentedBy_email": "{{commentedBy_email}}",
        "commentedBy_username": "{{commentedBy_username}}",
        "commentedBy_avatar": "{{commentedBy_avatar}}",
        "commentedBy_settings_discordId": "{{commentedBy_settings_discordId}}",
        "commentedBy_settings_telegramChatId": (
            "{{commentedBy_settings_telegramChatId}}"
        ),
    },
    "{{extra}}": [],
}
# Indented as Seerr's own default, since its settings page shows the text.
SEERR_TEMPLATE_TEXT: Final = json.dumps(SEERR_TEMPLATE, indent=2)

# Connection triggers: True = what the parsers use. The rest is sent as False
# when creating; on an update only the True ones are switched on.
_ARR_OTHER_EVENTS: Final = {
    "onRename": False,
    "onHealthIssue": False,
    "includeHealthWarnings": False,
    "onHealthRestored": False,
    "onApplicationUpdate": False,
}
SONARR_EVENTS: Final[dict[str, bool]] = {
    "onGrab": True,
    "onDownload": True,
    "onUpgrade": True,
    "onImportComplete": True,
    "onSeriesAdd": True,
    "onSeriesDelete": True,
    "onEpisodeFileDelete": True,
    "onEpisodeFileDeleteForUpgrade": False,
    "onManualInteractionRequired": True,
    **_ARR_OTHER_EVENTS,
}
RADARR_EVENTS: Final[dict[str, bool]] = {
    "onGrab": True,
    "onDownload": True,
    "onUpgrade": True,
    "onMovieAdded": True,
    "onMovieDelete": True,
    "onMovieFileDelete": True,
    "onMovieFileDeleteForUpgrade": False,
    "onManualInteractionRequired": True,
    **_ARR_OTHER_EVENTS,
}
# WebhookMethod.POST.
_POST: Final = 1


class Outcome(StrEnum):
    """How checking, or setting up, a webhook in a service ended."""

    NOT_ASKED = "not_asked"  # the user did not ask for it
    READY = "ready"  # checked: saving creates or updates the registration
    REGISTERED = "registered"  # created or updated
    UNCHANGED = "unchanged"  # already there and current: nothing was sent
    NO_URL = "no_url"  # Home Assistant has no URL
    UNREACHABLE = "unreachable"  # the service's test reached no URL
    IN_USE = "in_use"  # Seerr's agent sends elsewhere; left alone
    FAILED = "failed"  # the service's API failed


@dataclass(frozen=True, slots=True)
class RegistrationResult:
    """The outcome, the webhook URL now registered and why it failed (for logs)."""

    outcome: Outcome
    # Holds the webhook id (a secret): show display_url(url) only.
    url: str | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        """Return True if the service sends (or, once saved, will send) here."""
        return self.outcome in (Outcome.READY, Outcome.REGISTERED, Outcome.UNCHANGED)


def display_url(url: str) -> str:
    """Return scheme://host[:port] of a URL: no path, so no webhook id."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def consents(service: str, data: Mapping[str, Any]) -> bool:
    """Return True if a subentry's user asked for its webhook to be set up."""
    return (
        service in REGISTRABLE_SERVICES
        and data.get(CONF_REGISTER_WEBHOOK) is True
        and bool(data.get(CONF_WEBHOOK_ID))
    )


def candidate_urls(hass: HomeAssistant, webhook_id: str) -> list[str]:
    """Return the webhook URLs to try: internal first, then external."""
    urls: list[str] = []
    for internal in (True, False):
        try:
            url = webhook.async_generate_url(
                hass,
                webhook_id,
                allow_internal=internal,
                allow_external=not internal,
                prefer_external=not internal,
            )
        except NoURLAvailableError:
            continue
        if url not in urls:
            urls.append(url)
    return urls


def arr_notification(
    events: Mapping[str, bool], url: str, hub_name: str
) -> dict[str, Any]:
    """Return the Webhook connection to create in Sonarr or Radarr."""
    return {
        "name": registration_name(hub_name),
        "implementation": "Webhook",
        "configContract": "WebhookSettings",
        # Tagged connections fire only for tagged series/movies.
        "tags": [],
        **events,
        "fields": [
            {"name": "url", "value": url},
            {"name": "method", "value": _POST},
            {"name": "username", "value": ""},
            {"name": "password", "value": ""},
        ],
    }


def _updated_arr_notification(
    resource: Mapping[str, Any], events: Mapping[str, bool], url: str
) -> dict[str, Any]:
    """Return an existing connection pointed at `url` with our triggers on.

    Everything else (name, tags, other triggers, credentials, headers) stays as
    the user left it; PUT takes the full resource.
    """
    updated = {**resource, **{key: True for key, on in events.items() if on}}
    wanted: dict[str, Any] = {"url": url, "method": _POST}
    fields: list[dict[str, Any]] = []
    raw_fields = resource.get("fields")
    for item in raw_fields if isinstance(raw_fields, list) else ():
        if isinstance(item, dict):
            name = item.get("name")
            fields.append(
                {**item, "value": wanted.pop(name)} if name in wanted else dict(item)
            )
    fields += [{"name": name, "value": value} for name, value in wanted.items()]
    updated["fields"] = fields
    return updated


class _Registrar(ABC):
    """Read, test, write and remove the registration in one service."""

    # False when a write needs a test that arrived first, even at the current
    # URL (Seerr: only the test tells which form of the template it takes).
    writes_untested: ClassVar[bool] = True

    def __init__(self, webhook_id: str) -> None:
        self._path = webhook.async_generate_path(webhook_id)

    def _is_ours(self, url: Any) -> bool:
        """Return True if a URL is this webhook's (whatever Home Assistant host)."""
        return isinstance(url, str) and self._path in url

    @property
    def in_use(self) -> bool:
        """Return True if the service's one slot serves someone else."""
        return False

    @abstractmethod
    async def async_read(self) -> None:
        """Read what the service has now."""

    @abstractmethod
    def current_url(self) -> str | None:
        """Return the URL of this webhook's registration as read, if any."""

    @abstractmethod
    def is_complete(self) -> bool:
        """Return True if the registration read sends every event we need."""

    @abstractmethod
    async def async_reaches(self, url: str, probe: _DeliveryProbe) -> bool:
        """Return True if the service's test event sent to `url` arrived here.

        InvalidAuth is raised; other failures of the test return False.
        """

    @abstractmethod
    async def async_write(self, url: str) -> None:
        """Create or update the registration, sending to `url`."""

    @abstractmethod
    async def async_remove(self) -> bool:
        """Remove this webhook's registration; return False if there is none."""


class _ArrRegistrar(_Registrar):
    """A Webhook connection in Sonarr or Radarr."""

    def __init__(
        self,
        client: ArrClient,
        webhook_id: str,
        events: Mapping[str, bool],
        hub_name: str,
    ) -> None:
        super().__init__(webhook_id)
        self._client = client
        self._events = events
        self._hub_name = hub_name
        self._existing: ArrNotification | None = None

    async def async_read(self) -> None:
        webhooks = [
            notification
            for notification in await self._client.async_get_notifications()
            if notification.implementation == "Webhook"
        ]
        name = registration_name(self._hub_name)
        self._existing = next(
            (n for n in webhooks if self._is_ours(n.field("url"))), None
        ) or next((n for n in webhooks if n.name == name), None)

    def current_url(self) -> str | None:
        url = self._existing.field("url") if self._existing else None
        return url if isinstance(url, str) and self._is_ours(url) else None

    def is_complete(self) -> bool:
        existing = self._existing
        return (
            existing is not None
            and existing.field("method") == _POST
            and all(
                existing.resource.get(key) is True
                for key, on in self._events.items()
                if on
            )
        )

    async def async_reaches(self, url: str, probe: _DeliveryProbe) -> bool:
        return await _async_test_arrived(
            self._client.async_test_notification(
                arr_notification(self._events, url, self._hub_name)
            ),
            url,
            probe,
        )

    async def async_write(self, url: str) -> None:
        if self._existing is None:
            await self._client.async_create_notification(
                arr_notification(self._events, url, self._hub_name)
            )
        else:
            await self._client.async_update_notification(
                self._existing.id,
                _updated_arr_notification(self._existing.resource, self._events, url),
            )

    async def async_remove(self) -> bool:
        await self.async_read()
        # Only a connection holding this webhook's id: one found by name alone
        # belongs to another (older) webhook.
        if self._existing is None or self.current_url() is None:
            return False
        try:
            await self._client.async_delete_notification(self._existing.id)
        except NotFound:
            return False
        return True


class _SeerrRegistrar(_Registrar):
    """Seerr's webhook agent (one per Seerr server)."""

    writes_untested = False

    def __init__(self, client: SeerrClient, webhook_id: str) -> None:
        super().__init__(webhook_id)
        self._client = client
        self._settings = SeerrWebhookSettings(
            enabled=False, types=0, webhook_url="", template=""
        )
        # The form of the template whose test event arrived, by URL.
        self._encodings: dict[str, SeerrPayloadEncoding] = {}

    async def async_read(self) -> None:
        self._settings = await self._client.async_get_webhook_settings()

    @property
    def in_use(self) -> bool:
        settings = self._settings
        return (
            settings.enabled
            and bool(settings.webhook_url)
            and not self._is_ours(settings.webhook_url)
        )

    def current_url(self) -> str | None:
        settings = self._settings
        if settings.enabled and self._is_ours(settings.webhook_url):
            return settings.webhook_url
        return None

    def is_complete(self) -> bool:
        settings = self._settings
        try:
            template = json.loads(settings.template)
        except ValueError:
            return False
        return (
            settings.types & SEERR_MEDIA_TYPES == SEERR_MEDIA_TYPES
            and template == SEERR_TEMPLATE
        )

    def _wanted(self, url: str) -> SeerrWebhookSettings:
        """Return the agent sending to `url`; our earlier extra types are kept."""
        settings = self._settings
        ours = self._is_ours(settings.webhook_url)
        return SeerrWebhookSettings(
            enabled=True,
            types=(settings.types if ours else 0) | SEERR_MEDIA_TYPES,
            webhook_url=url,
            template=SEERR_TEMPLATE_TEXT,
            auth_header=settings.auth_header if ours else "",
        )

    async def async_reaches(self, url: str, probe: _DeliveryProbe) -> bool:
        wanted = self._wanted(url)
        for encoding in SeerrPayloadEncoding:
            if await _async_test_arrived(
                self._client.async_test_webhook_settings(wanted, encoding),
                url,
                probe,
            ):
                self._encodings[url] = encoding
                return True
        return False

    async def async_write(self, url: str) -> None:
        # Only a URL whose test arrived is written (writes_untested is False).
        await self._client.async_set_webhook_settings(
            self._wanted(url), self._encodings[url]
        )

    async def async_remove(self) -> bool:
        await self.async_read()
        settings = self._settings
        if not self._is_ours(settings.webhook_url):
            return False
        # Seerr has no delete: turn the agent off and drop the secret URL. The
        # template stays for the user, unless no Seerr could build it anyway.
        template = settings.template
        if not _is_json(template):
            template = SEERR_TEMPLATE_TEXT
        await self._client.async_set_webhook_settings_read_back(
            replace(settings, enabled=False, webhook_url="", template=template)
        )
        return True


def _is_json(text: str) -> bool:
    """Return True if `text` is JSON text (Seerr's webhook routes check that)."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _registrar(
    client: ServiceClient, webhook_id: str, hub_name: str
) -> _Registrar | None:
    """Return the registrar of a client's service, None if it has none."""
    match client:
        case SeerrClient():
            return _SeerrRegistrar(client, webhook_id)
        case SonarrClient():
            return _ArrRegistrar(client, webhook_id, SONARR_EVENTS, hub_name)
        case RadarrClient():
            return _ArrRegistrar(client, webhook_id, RADARR_EVENTS, hub_name)
    return None


class _DeliveryProbe:
    """Counts the posts that reach one webhook while URLs are tested."""

    def __init__(self) -> None:
        self.count = 0

    @callback
    def delivered(self) -> None:
        self.count += 1

    async def async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Answer the test event as the integration's own handler does."""
        self.delivered()
        return web.json_response({"status": "ignored"})


@contextmanager
def _deliveries(
    hass: HomeAssistant, webhook_id: str, subentry_id: str | None, *, local_only: bool
) -> Iterator[_DeliveryProbe]:
    """Count the deliveries to a webhook, with a stand-in handler if none is set.

    A service being added has no handler yet: a temporary one answers (and keeps
    Home Assistant from logging the unknown webhook's id). A loaded hub's handler
    signals every delivery it accepts.
    """
    probe = _DeliveryProbe()
    stop: Callable[[], None]
    try:
        webhook.async_register(
            hass,
            DOMAIN,
            "Status Tracker webhook test",
            webhook_id,
            probe.async_handle,
            local_only=local_only,
            allowed_methods=(hdrs.METH_POST,),
        )
    except ValueError:
        stop = (
            async_dispatcher_connect(hass, signal_webhook(subentry_id), probe.delivered)
            if subentry_id
            else lambda: None
        )
    else:

        def stop() -> None:
            webhook.async_unregister(hass, webhook_id)

    try:
        with WEBHOOK_IDS.hiding(webhook_id):
            yield probe
    finally:
        stop()


async def _async_test_arrived(
    test: Awaitable[None], url: str, probe: _DeliveryProbe
) -> bool:
    """Run a service's test call to `url`; return True if its event arrived here.

    The services answer their test call only after their post was answered,
    so the delivery has been counted by then.
    """
    before = probe.count
    try:
        await test
    except InvalidAuth:
        raise
    except ServiceError as err:
        _LOGGER.debug("Webhook test through %s failed: %s", display_url(url), err)
        return False
    if probe.count == before:
        _LOGGER.debug(
            "Webhook test through %s passed, but nothing reached the webhook",
            display_url(url),
        )
        return False
    return True


class PendingRegistration:
    """What checking a service found; saving it makes the service send here.

    The config flow shows the check's result and saves only when the user
    confirms, so a flow left half-way writes nothing into the service.
    """

    def __init__(
        self, result: RegistrationResult, registrar: _Registrar | None = None
    ) -> None:
        """Keep the result, and the registrar that read the service."""
        self.result = result
        self._registrar = registrar

    async def async_save(self) -> RegistrationResult:
        """Create or update the registration if the check found that necessary."""
        url = self.result.url
        if self.result.outcome is not Outcome.READY or not self._registrar or not url:
            return self.result
        try:
            await self._registrar.async_write(url)
        except ServiceError as err:
            return RegistrationResult(Outcome.FAILED, detail=str(err))
        return RegistrationResult(Outcome.REGISTERED, url)


NOT_ASKED: Final = PendingRegistration(RegistrationResult(Outcome.NOT_ASKED))


async def async_check_webhook(
    hass: HomeAssistant,
    client: ServiceClient,
    webhook_id: str,
    hub_name: str,
    *,
    subentry_id: str | None = None,
    local_only: bool = False,
) -> PendingRegistration:
    """Find out what making the service send to this webhook takes; write nothing.

    A current registration needs nothing (no test either). Otherwise the URL is
    chosen by the service's test. `hub_name` is the title of the hub the
    registration belongs to. `subentry_id` names the configured service whose
    loaded hub answers the webhook (None while the service is being added);
    `local_only` is the hub's option, applied to the stand-in handler.
    """
    registrar = _registrar(client, webhook_id, hub_name)
    urls = candidate_urls(hass, webhook_id)
    if registrar is None:
        return PendingRegistration(
            RegistrationResult(Outcome.FAILED, detail="not supported")
        )
    if not urls:
        return PendingRegistration(
            RegistrationResult(
                Outcome.NO_URL, detail="Home Assistant has no internal or external URL"
            )
        )
    try:
        await registrar.async_read()
        if registrar.in_use:
            return PendingRegistration(
                RegistrationResult(
                    Outcome.IN_USE,
                    detail="its webhook agent already sends to another address",
                )
            )
        current = registrar.current_url()
        if current is not None and current in urls:
            # HA's URL did not change: no test, and a write only if incomplete.
            if registrar.is_complete():
                return PendingRegistration(
                    RegistrationResult(Outcome.UNCHANGED, current)
                )
            if registrar.writes_untested:
                return PendingRegistration(
                    RegistrationResult(Outcome.READY, current), registrar
                )
            # Tested at its current URL first, so that it keeps it.
            urls = [current, *(url for url in urls if url != current)]
        with _deliveries(hass, webhook_id, subentry_id, local_only=local_only) as probe:
            for url in urls:
                if await registrar.async_reaches(url, probe):
                    return PendingRegistration(
                        RegistrationResult(Outcome.READY, url), registrar
                    )
    except ServiceError as err:
        return PendingRegistration(RegistrationResult(Outcome.FAILED, detail=str(err)))
    tried = ", ".join(display_url(url) for url in urls)
    return PendingRegistration(
        RegistrationResult(
            Outcome.UNREACHABLE,
            detail=f"its test did not reach Home Assistant at {tried}",
        )
    )


async def async_register_webhook(
    hass: HomeAssistant,
    client: ServiceClient,
    webhook_id: str,
    hub_name: str,
    *,
    subentry_id: str | None = None,
    local_only: bool = False,
) -> RegistrationResult:
    """Make the service send to this webhook: check, then save at once."""
    pending = await async_check_webhook(
        hass,
        client,
        webhook_id,
        hub_name,
        subentry_id=subentry_id,
        local_only=local_only,
    )
    return await pending.async_save()


async def async_unregister_webhook(
    client: ServiceClient, webhook_id: str, hub_name: str
) -> bool:
    """Remove this webhook's registration; return False if there was none.

    Raise ServiceError when the service cannot be asked.
    """
    registrar = _registrar(client, webhook_id, hub_name)
    return registrar is not None and await registrar.async_remove()


@dataclass(frozen=True, slots=True)
class _Target:
    """A configured service whose user asked for its webhook to be set up."""

    subentry_id: str
    title: str
    client: ServiceClient
    webhook_id: str
    hub_name: str


def _targets(instances: Iterable[ServiceInstance], hub_name: str) -> list[_Target]:
    return [
        _Target(
            instance.subentry_id,
            instance.title,
            instance.client,
            instance.webhook_id,
            hub_name,
        )
        for instance in instances
        if instance.webhook_id and consents(instance.service, instance.data)
    ]


async def _async_keep_one(
    hass: HomeAssistant, target: _Target, local_only: bool, warned: set[str]
) -> bool:
    """Bring one registration up to date; warn once while it keeps failing.

    Return True when the service now sends its events to the hub.
    """
    try:
        result = await async_register_webhook(
            hass,
            target.client,
            target.webhook_id,
            target.hub_name,
            subentry_id=target.subentry_id,
            local_only=local_only,
        )
    except Exception:
        _LOGGER.exception("Unexpected error setting up the webhook in %s", target.title)
        return False
    if result.ok:
        warned.discard(target.subentry_id)
        if result.outcome is Outcome.REGISTERED and result.url:
            _LOGGER.info(
                "%s now sends its webhook to Home Assistant at %s",
                target.title,
                display_url(result.url),
            )
        return True
    level = logging.DEBUG if target.subentry_id in warned else logging.WARNING
    warned.add(target.subentry_id)
    _LOGGER.log(
        level,
        "Could not set up the webhook in %s (%s); set it up by hand as the "
        "documentation describes",
        target.title,
        result.detail,
    )
    return False


@callback
def async_keep_registered(
    hass: HomeAssistant,
    entry: StatusTrackerConfigEntry,
    *,
    left_to_others: Callable[[str], bool] = lambda subentry_id: False,
) -> None:
    """Keep the hub's consented registrations current, in the background.

    Checked once after setup (a restart or reload finds the registration and
    sends nothing when it is current) and again whenever Home Assistant's
    internal or external URL changes. Services `left_to_others` says another
    integration owns the webhook of (core's Seerr, core_seerr.py) are not
    written.
    """
    hub = entry.runtime_data
    targets = _targets(hub.instances.values(), entry.title)
    if not targets:
        return
    local_only = hub.options.webhook_local_only
    lock = asyncio.Lock()
    warned: set[str] = set()

    async def async_sync() -> None:
        async with lock:
            for target in targets:
                if not left_to_others(target.subentry_id):
                    await _async_keep_one(hass, target, local_only, warned)

    @callback
    def url_changed(event: Event[Mapping[str, Any]]) -> None:
        if {"internal_url", "external_url"} & set(event.data):
            entry.async_create_background_task(
                hass, async_sync(), "Status Tracker webhook registration"
            )

    entry.async_on_unload(hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, url_changed))
    entry.async_create_background_task(
        hass, async_sync(), "Status Tracker webhook registration"
    )


async def async_take_seerr_webhook(
    hass: HomeAssistant, entry: StatusTrackerConfigEntry, instance: ServiceInstance
) -> bool:
    """Point a Seerr's webhook agent at the hub, if the user consented and it is free.

    Return True when Seerr now sends its events here (an agent sending
    elsewhere is left alone, as always).
    """
    targets = _targets([instance], entry.title)
    if not targets:
        return False
    local_only = entry.runtime_data.options.webhook_local_only
    return await _async_keep_one(hass, targets[0], local_only, set())


async def _async_remove_one(target: _Target) -> None:
    """Remove one registration; failures are logged, never raised."""
    try:
        removed = await async_unregister_webhook(
            target.client, target.webhook_id, target.hub_name
        )
    except ServiceError as err:
        _LOGGER.warning(
            "Could not remove the webhook from %s (%s); delete it there by hand",
            target.title,
            err,
        )
        return
    except Exception:
        # The reload that follows a removal must happen anyway.
        _LOGGER.exception("Unexpected error removing the webhook from %s", target.title)
        return
    if removed:
        _LOGGER.info("Removed the webhook from %s", target.title)


async def _async_remove(targets: Iterable[_Target]) -> None:
    await asyncio.gather(*(_async_remove_one(target) for target in targets))


async def async_remove_for_removed_services(entry: StatusTrackerConfigEntry) -> None:
    """Remove the registrations of services no longer in the entry.

    Runs in the update listener before the reload, while the running hub still
    has the removed services' clients.
    """
    hub = entry.runtime_data
    await _async_remove(
        _targets(
            (
                instance
                for subentry_id, instance in hub.instances.items()
                if subentry_id not in entry.subentries
            ),
            entry.title,
        )
    )


async def async_remove_for_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Remove the registrations of every service of a hub being deleted."""
    await _async_remove(
        _Target(
            subentry.subentry_id,
            subentry.title,
            create_client(
                hass, ServiceType(subentry.subentry_type), dict(subentry.data)
            ),
            subentry.data[CONF_WEBHOOK_ID],
            entry.title,
        )
        for subentry in entry.subentries.values()
        if consents(subentry.subentry_type, subentry.data)
    )
