"""Config flow for Status Tracker.

One config entry is one media stack (the hub). Each upstream service instance is
a config subentry of that entry, added through its own subentry flow. Every
subentry flow is one small subclass of `ServiceSubentryFlow` registered with
`@_register`; the base class owns the form, URL handling, duplicate checks, live
validation, the webhook instructions step and reconfigure.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar, Final
from urllib.parse import urlsplit

import aiohttp
from homeassistant.components import webhook
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentry,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.util import slugify
import voluptuous as vol

from .api import (
    ArrClient,
    InvalidAuth,
    JellyfinClient,
    RadarrClient,
    SeerrClient,
    ServiceError,
    SonarrClient,
    normalize_url,
)
from .const import (
    CONF_API_KEY,
    CONF_HISTORY_SIZE,
    CONF_HUB_NAME,
    CONF_RETENTION_DAYS,
    CONF_URL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_LOCAL_ONLY,
    DEFAULT_HISTORY_SIZE,
    DEFAULT_HUB_NAME,
    DEFAULT_RETENTION_DAYS,
    DEFAULT_WEBHOOK_LOCAL_ONLY,
    DOMAIN,
    LOGGER,
    WEBHOOK_SERVICES,
    ServiceType,
)

DEFAULT_OPTIONS: Final[Mapping[str, Any]] = {
    CONF_RETENTION_DAYS: DEFAULT_RETENTION_DAYS,
    CONF_HISTORY_SIZE: DEFAULT_HISTORY_SIZE,
    CONF_WEBHOOK_LOCAL_ONLY: DEFAULT_WEBHOOK_LOCAL_ONLY,
}

STEP_HUB_SCHEMA: Final = vol.Schema(
    {vol.Required(CONF_HUB_NAME, default=DEFAULT_HUB_NAME): TextSelector()}
)


def _int_number(minimum: int, maximum: int) -> vol.All:
    """Return a number box whose value is stored as an int (selectors give floats)."""
    return vol.All(
        NumberSelector(
            NumberSelectorConfig(
                min=minimum, max=maximum, step=1, mode=NumberSelectorMode.BOX
            )
        ),
        vol.Coerce(int),
    )


OPTIONS_SCHEMA: Final = vol.Schema(
    {
        vol.Required(CONF_RETENTION_DAYS): _int_number(1, 365),
        vol.Required(CONF_HISTORY_SIZE): _int_number(100, 100_000),
        vol.Required(CONF_WEBHOOK_LOCAL_ONLY): BooleanSelector(),
    }
)

_URL_SELECTOR: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_PASSWORD_SELECTOR: Final = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD)
)


class StatusTrackerConfigFlow(ConfigFlow, domain=DOMAIN):
    """Create the hub entry of one media stack."""

    VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> StatusTrackerOptionsFlow:
        """Return the options flow of the hub."""
        return StatusTrackerOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Return one subentry flow per kind of upstream service."""
        return dict(SUBENTRY_FLOWS)

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the name of the media stack."""
        errors: dict[str, str] = {}
        if user_input is not None:
            name = user_input[CONF_HUB_NAME].strip()
            if name:
                # The slug makes "Media stack" and "media-stack " the same stack.
                await self.async_set_unique_id(slugify(name))
                self._abort_if_unique_id_configured()
                return self.async_create_entry(
                    title=name,
                    data={CONF_HUB_NAME: name},
                    options=dict(DEFAULT_OPTIONS),
                )
            errors[CONF_HUB_NAME] = "invalid_name"
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                STEP_HUB_SCHEMA, user_input
            ),
            errors=errors,
        )


class StatusTrackerOptionsFlow(OptionsFlow):
    """Edit the hub options (retention, history size, webhook access)."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and save the options."""
        # Merge so options this form does not show are kept.
        current = {**DEFAULT_OPTIONS, **self.config_entry.options}
        if user_input is not None:
            return self.async_create_entry(data={**current, **user_input})
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(OPTIONS_SCHEMA, current),
        )


class _WrongService(Exception):
    """The URL answers with valid credentials, but it is another application."""


def _display_host(url: str) -> str:
    """Return host[:port] of a normalized URL, to tell instances apart in titles."""
    return urlsplit(url).netloc


class ServiceSubentryFlow(ConfigSubentryFlow, ABC):
    """Add or reconfigure one upstream service instance.

    A subclass sets `service_type` and implements `_async_validate_service`. Types
    that need other credentials than an API key override `_credentials_schema`
    and `secret_keys`. Types outside WEBHOOK_SERVICES skip the webhook step.
    """

    service_type: ClassVar[ServiceType]
    # Fields that are never shown back and that keep their stored value when left
    # empty on reconfigure.
    secret_keys: ClassVar[tuple[str, ...]] = (CONF_API_KEY,)

    def __init__(self) -> None:
        """Initialize the flow."""
        super().__init__()
        self._title = ""
        self._data: dict[str, Any] = {}

    def _credentials_schema(self, *, reconfigure: bool) -> dict[vol.Marker, Any]:
        """Return the credential fields; optional on reconfigure (empty = keep)."""
        marker = vol.Optional if reconfigure else vol.Required
        return {marker(CONF_API_KEY): _PASSWORD_SELECTOR}

    @abstractmethod
    async def _async_validate_service(
        self, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> str:
        """Check the service live with `data`; return the subentry title.

        Raise a ServiceError subclass or _WrongService when it does not validate.
        """

    def _schema(self, *, reconfigure: bool) -> vol.Schema:
        """Return the form schema of the user and reconfigure steps."""
        return vol.Schema(
            {
                vol.Required(CONF_URL): _URL_SELECTOR,
                **self._credentials_schema(reconfigure=reconfigure),
                vol.Required(CONF_VERIFY_SSL, default=True): BooleanSelector(),
            }
        )

    def _other_subentries(self) -> list[ConfigSubentry]:
        """Return the subentries of the hub except the one being reconfigured."""
        own_id = self.context.get("subentry_id")
        return [
            subentry
            for subentry in self._get_entry().subentries.values()
            if subentry.subentry_id != own_id
        ]

    def _distinct_title(self, title: str, url: str) -> str:
        """Return title, with the host appended if another subentry already uses it."""
        if any(other.title == title for other in self._other_subentries()):
            return f"{title} ({_display_host(url)})"
        return title

    async def _async_validate_input(
        self, user_input: Mapping[str, Any], current: ConfigSubentry | None
    ) -> dict[str, str]:
        """Validate the form; on success fill `_title` and `_data` and return no errors.

        Raise AbortFlow when another subentry already uses the URL. Home Assistant
        raises (it does not abort) on a duplicate subentry unique id, so this has to
        be checked before creating or updating.
        """
        try:
            url = normalize_url(user_input[CONF_URL])
        except ValueError:
            return {CONF_URL: "invalid_url"}
        # Unique ids are unique across all subentry types of the entry.
        if any(other.unique_id == url for other in self._other_subentries()):
            raise AbortFlow("already_configured")

        data = {**user_input, CONF_URL: url}
        if current is not None:
            for key in self.secret_keys:
                if not data.get(key):
                    data[key] = current.data[key]

        session = async_get_clientsession(self.hass, verify_ssl=data[CONF_VERIFY_SSL])
        try:
            title = await self._async_validate_service(session, data)
        except _WrongService:
            return {"base": "wrong_service"}
        except InvalidAuth:
            return {"base": "invalid_auth"}
        except ServiceError:
            return {"base": "cannot_connect"}
        except Exception:  # noqa: BLE001
            LOGGER.exception(
                "Unexpected error validating %s at %s", self.service_type, url
            )
            return {"base": "unknown"}
        self._title = title
        self._data = data
        return {}

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask for URL and credentials, then validate them against the service."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = await self._async_validate_input(user_input, None)
            if not errors:
                if self.service_type in WEBHOOK_SERVICES:
                    # Generated once, here; reconfigure keeps it.
                    self._data[CONF_WEBHOOK_ID] = webhook.async_generate_id()
                    return await self.async_step_webhook()
                return self._async_create_subentry()
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                self._schema(reconfigure=False), user_input
            ),
            errors=errors,
        )

    async def async_step_webhook(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Show the webhook URL to paste into the service; submitting creates it."""
        if user_input is not None:
            return self._async_create_subentry()
        webhook_id: str = self._data[CONF_WEBHOOK_ID]
        errors: dict[str, str] = {}
        try:
            # The services run on the LAN: offer the internal address first.
            webhook_url = webhook.async_generate_url(
                self.hass, webhook_id, prefer_external=False
            )
        except NoURLAvailableError:
            webhook_url = webhook.async_generate_path(webhook_id)
            errors["base"] = "no_url_available"
        return self.async_show_form(
            step_id="webhook",
            data_schema=vol.Schema({}),
            errors=errors,
            description_placeholders={"webhook_url": webhook_url},
        )

    @callback
    def _async_create_subentry(self) -> SubentryFlowResult:
        """Create the subentry from the validated data."""
        return self.async_create_entry(
            title=self._title, data=self._data, unique_id=self._data[CONF_URL]
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change URL, credentials or SSL check; the webhook id is kept."""
        subentry = self._get_reconfigure_subentry()
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = await self._async_validate_input(user_input, subentry)
            if not errors:
                return self.async_update_and_abort(
                    self._get_entry(),
                    subentry,
                    title=self._title,
                    unique_id=self._data[CONF_URL],
                    data_updates=self._data,
                )
        suggested = {
            key: value
            for key, value in (user_input or subentry.data).items()
            if key not in self.secret_keys
        }
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                self._schema(reconfigure=True), suggested
            ),
            errors=errors,
            description_placeholders={"title": subentry.title},
        )


# Subentry type -> flow. Adding a service type = one small class with @_register.
SUBENTRY_FLOWS: dict[str, type[ServiceSubentryFlow]] = {}


def _register[F: type[ServiceSubentryFlow]](flow: F) -> F:
    """Make a subentry flow class available as the subentry type it handles."""
    SUBENTRY_FLOWS[flow.service_type.value] = flow
    return flow


@_register
class SeerrSubentryFlow(ServiceSubentryFlow):
    """Add a Seerr, Jellyseerr or Overseerr server."""

    service_type = ServiceType.SEERR

    async def _async_validate_service(
        self, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> str:
        """Check status and API key; Seerr has no instance name, so use the host."""
        await SeerrClient(session, data[CONF_URL], data[CONF_API_KEY]).async_validate()
        return f"Seerr ({_display_host(data[CONF_URL])})"


class _ArrSubentryFlow(ServiceSubentryFlow):
    """Shared validation of Sonarr and Radarr."""

    client_class: ClassVar[type[ArrClient]]

    async def _async_validate_service(
        self, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> str:
        """Check the key and that the URL is the expected app; title = instance name."""
        client = self.client_class(session, data[CONF_URL], data[CONF_API_KEY])
        status = await client.async_get_system_status()
        # A Radarr URL given as Sonarr would validate but never send Sonarr events.
        if status.app_name.casefold() != client.app_name.casefold():
            raise _WrongService(status.app_name)
        return self._distinct_title(status.instance_name, data[CONF_URL])


@_register
class SonarrSubentryFlow(_ArrSubentryFlow):
    """Add a Sonarr instance."""

    service_type = ServiceType.SONARR
    client_class = SonarrClient


@_register
class RadarrSubentryFlow(_ArrSubentryFlow):
    """Add a Radarr instance."""

    service_type = ServiceType.RADARR
    client_class = RadarrClient


@_register
class JellyfinSubentryFlow(ServiceSubentryFlow):
    """Add a Jellyfin server."""

    service_type = ServiceType.JELLYFIN

    async def _async_validate_service(
        self, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> str:
        """Check the key with /System/Info; title = server name."""
        client = JellyfinClient(session, data[CONF_URL], data[CONF_API_KEY])
        info = await client.async_get_system_info()
        return info.server_name or "Jellyfin"
