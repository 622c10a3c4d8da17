"""Config flow for Status Tracker.

One config entry is one media stack (the hub). Each upstream service instance is
a config subentry of that entry, added through its own subentry flow. Every
subentry flow is one small subclass of `ServiceSubentryFlow` registered with
`@_register`; the base class owns the form, URL handling, duplicate checks, live
validation, the webhook steps and reconfigure.

Seerr, Sonarr and Radarr can set up their webhook themselves if the user ticks
the box for it (webhook_registration.py); otherwise, or when no Home Assistant
address works, the manual steps with the webhook URL are shown.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
import logging
from typing import Any, ClassVar, Final
from urllib.parse import urlsplit

import aiohttp
from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentry,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import AbortFlow, section
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
import probatio

from .api import (
    ArrClient,
    InvalidAuth,
    JellyfinClient,
    QBittorrentClient,
    RadarrClient,
    SeerrClient,
    ServiceError,
    ShokoClient,
    SonarrClient,
    normalize_url,
)
from .clients import async_check_session, create_client
from .const import (
    CONF_ANIME_PATHS,
    CONF_ANIME_TAGS,
    CONF_API_KEY,
    CONF_EXTERNAL_URL,
    CONF_FAST_POLL_SECONDS,
    CONF_HISTORY_SIZE,
    CONF_HUB_NAME,
    CONF_PASSWORD,
    CONF_PROPAGATE_DELETIONS,
    CONF_REGISTER_WEBHOOK,
    CONF_RETENTION_DAYS,
    CONF_SERVER_ID,
    CONF_SLOW_POLL_SECONDS,
    CONF_STALL_APPROVED_HOURS,
    CONF_STALL_DOWNLOADED_MINUTES,
    CONF_STALL_DOWNLOADING_HOURS,
    CONF_STALL_IMPORTING_MINUTES,
    CONF_STALL_MATCHING_MINUTES,
    CONF_SUBENTRY_ID,
    CONF_URL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_LOCAL_ONLY,
    DEFAULT_HUB_NAME,
    DEFAULT_WEBHOOK_LOCAL_ONLY,
    DOMAIN,
    WEBHOOK_SERVICES,
    ServiceType,
)
from .core_seerr import core_entry_for
from .options import DEFAULT_OPTIONS
from .webhook_registration import (
    NOT_ASKED,
    REGISTRABLE_SERVICES,
    Outcome,
    PendingRegistration,
    RegistrationResult,
    async_check_webhook,
    async_unregister_webhook,
    consents,
    display_url,
    registration_name,
)

_LOGGER = logging.getLogger(__name__)

STEP_HUB_SCHEMA: Final = probatio.Schema(
    {probatio.Required(CONF_HUB_NAME, default=DEFAULT_HUB_NAME): TextSelector()}
)


def _int_number(minimum: int, maximum: int) -> probatio.All[int]:
    """Return a number box whose value is stored as an int (selectors give floats)."""
    return probatio.All(
        NumberSelector(
            NumberSelectorConfig(
                min=minimum, max=maximum, step=1, mode=NumberSelectorMode.BOX
            )
        ),
        probatio.Coerce(int),
    )


# Options are stored flat; the form groups them in sections.
OPTION_SECTIONS: Final[dict[str, dict[probatio.Marker, Any]]] = {
    "history": {
        probatio.Required(CONF_RETENTION_DAYS): _int_number(1, 365),
        probatio.Required(CONF_HISTORY_SIZE): _int_number(100, 100_000),
    },
    "webhooks": {
        probatio.Required(CONF_WEBHOOK_LOCAL_ONLY): BooleanSelector(),
    },
    "deletions": {
        probatio.Required(CONF_PROPAGATE_DELETIONS): BooleanSelector(),
    },
    "polling": {
        probatio.Required(CONF_FAST_POLL_SECONDS): _int_number(2, 300),
        probatio.Required(CONF_SLOW_POLL_SECONDS): _int_number(10, 3600),
    },
    "stalled": {
        probatio.Required(CONF_STALL_APPROVED_HOURS): _int_number(1, 720),
        probatio.Required(CONF_STALL_DOWNLOADING_HOURS): _int_number(1, 720),
        probatio.Required(CONF_STALL_DOWNLOADED_MINUTES): _int_number(5, 10_080),
        probatio.Required(CONF_STALL_IMPORTING_MINUTES): _int_number(5, 10_080),
        probatio.Required(CONF_STALL_MATCHING_MINUTES): _int_number(5, 10_080),
    },
    "anime": {
        probatio.Optional(CONF_ANIME_TAGS): TextSelector(),
        probatio.Optional(CONF_ANIME_PATHS): TextSelector(),
    },
}
OPTIONS_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(name): section(
            probatio.Schema(fields),
            {"collapsed": name in ("polling", "stalled", "anime", "deletions")},
        )
        for name, fields in OPTION_SECTIONS.items()
    }
)

_URL_SELECTOR: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_PASSWORD_SELECTOR: Final = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD)
)
# Why the webhook could not be set up in the service, as a webhook step error.
# Without a Home Assistant URL that step shows no_url_available anyway.
_REGISTRATION_ERRORS: Final = {
    Outcome.UNREACHABLE: "registration_unreachable",
    Outcome.IN_USE: "registration_in_use",
    Outcome.FAILED: "registration_failed",
}


class StatusTrackerConfigFlow(ConfigFlow, domain=DOMAIN):
    """Create the hub entry of one media stack; reauthenticate its services."""

    VERSION = 1
    # The service (subentry) whose credentials a reauth flow asks for.
    _reauth_subentry_id: str | None = None

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

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start reauthentication of the service named in `entry_data`."""
        self._reauth_subentry_id = entry_data.get(CONF_SUBENTRY_ID)
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the service's new credentials and check them live."""
        entry = self._get_reauth_entry()
        subentry = entry.subentries.get(self._reauth_subentry_id or "")
        if subentry is None:
            return self.async_abort(reason="reauth_service_gone")
        flow = SUBENTRY_FLOWS[subentry.subentry_type]
        errors: dict[str, str] = {}
        if user_input is not None:
            # Stored secrets go through _keep_secrets, so a new password can
            # replace a stored API key.
            settings = {
                key: value
                for key, value in subentry.data.items()
                if key not in flow.secret_keys
            }
            data = _keep_secrets(flow, {**settings, **user_input}, subentry.data)
            errors, check = await _async_check_service(self.hass, flow, data)
            if check is not None:
                # Updating the subentry reloads the hub with the new credentials.
                self.hass.config_entries.async_update_subentry(
                    entry, subentry, data={**data, **check.data}
                )
                return self.async_abort(reason="reauth_successful")
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=probatio.Schema(flow.credentials_schema(keep_current=False)),
            errors=errors,
            description_placeholders={"title": subentry.title},
        )


class StatusTrackerOptionsFlow(OptionsFlow):
    """Edit the hub options (history, webhooks, polling, stall limits, anime)."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and save the options."""
        # Merge so options this form does not show are kept.
        current = {**DEFAULT_OPTIONS, **self.config_entry.options}
        if user_input is not None:
            # A text field the user emptied is left out of the input: store "".
            flat = {
                str(key): user_input.get(name, {}).get(str(key), "")
                for name, fields in OPTION_SECTIONS.items()
                for key in fields
            }
            return self.async_create_entry(data={**current, **flat})
        suggested = {
            name: {str(key): current[str(key)] for key in fields}
            for name, fields in OPTION_SECTIONS.items()
        }
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(OPTIONS_SCHEMA, suggested),
        )


class _WrongService(Exception):
    """The URL answers with valid credentials, but it is another application."""


@dataclass(frozen=True, slots=True)
class ServiceCheck:
    """What a successful live check learnt: the title and extra data to keep."""

    title: str
    data: dict[str, Any] = field(default_factory=dict)


def _display_host(url: str) -> str:
    """Return host[:port] of a normalized URL, to tell instances apart in titles."""
    return urlsplit(url).netloc


async def _async_check_service(
    hass: HomeAssistant,
    flow: type[ServiceSubentryFlow],
    data: Mapping[str, Any],
) -> tuple[dict[str, str], ServiceCheck | None]:
    """Check a service live; return (form errors, result)."""
    try:
        async with async_check_session(
            hass, flow.service_type, data[CONF_VERIFY_SSL]
        ) as session:
            return {}, await flow.async_check(session, data)
    except _WrongService:
        return {"base": "wrong_service"}, None
    except InvalidAuth:
        return {"base": "invalid_auth"}, None
    except ServiceError:
        return {"base": "cannot_connect"}, None
    except Exception:
        _LOGGER.exception(
            "Unexpected error validating %s at %s", flow.service_type, data[CONF_URL]
        )
        return {"base": "unknown"}, None


def _keep_secrets(
    flow: type[ServiceSubentryFlow],
    user_input: Mapping[str, Any],
    current: Mapping[str, Any],
) -> dict[str, Any]:
    """Return the input with the stored secrets if no secret was entered.

    Secrets are never shown back, so empty secret fields mean "unchanged". The
    secrets of a type are alternatives (qBittorrent: password or API key): entering
    one drops the stored others, else a kept API key would shadow a new password.
    """
    data = dict(user_input)
    if not any(data.get(key) for key in flow.secret_keys):
        for key in flow.secret_keys:
            if current.get(key):
                data[key] = current[key]
    return data


class ServiceSubentryFlow(ConfigSubentryFlow, ABC):
    """Add or reconfigure one upstream service instance.

    A subclass sets `service_type` and implements `async_check`. Types that need
    other credentials than an API key override `credentials_schema` and
    `secret_keys`. Types outside WEBHOOK_SERVICES skip the webhook step.
    """

    service_type: ClassVar[ServiceType]
    # Fields that are never shown back and that keep their stored value when left
    # empty on reconfigure or reauth.
    secret_keys: ClassVar[tuple[str, ...]] = (CONF_API_KEY,)

    def __init__(self) -> None:
        """Initialize the flow."""
        super().__init__()
        self._title = ""
        self._data: dict[str, Any] = {}
        # The checked registration of the webhook in the service, saved when the
        # user confirms it.
        self._registration = NOT_ASKED
        # Where the service reaches Home Assistant, without the secret path.
        self._ha_url = ""
        # The title of the core Seerr entry that serves this Seerr, if any.
        self._core_seerr_title = ""
        # On reconfigure with a new URL: what became of the registration the
        # integration had made at the old address (see `_async_leave_old_url`).
        self._old_registration: str | None = None

    @classmethod
    def credentials_schema(cls, *, keep_current: bool) -> dict[probatio.Marker, Any]:
        """Return the credential fields; optional when empty keeps the current."""
        marker = probatio.Optional if keep_current else probatio.Required
        return {marker(CONF_API_KEY): _PASSWORD_SELECTOR}

    @classmethod
    def extra_schema(cls) -> dict[probatio.Marker, Any]:
        """Return settings of this type besides URL and credentials."""
        return {}

    @classmethod
    @abstractmethod
    async def async_check(
        cls, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> ServiceCheck:
        """Check the service live with `data`.

        Raise a ServiceError subclass or _WrongService when it does not validate.
        """

    def _schema(self, *, reconfigure: bool) -> probatio.Schema:
        """Return the form schema of the user and reconfigure steps."""
        fields: dict[probatio.Marker, Any] = {
            probatio.Required(CONF_URL): _URL_SELECTOR,
            **self.credentials_schema(keep_current=reconfigure),
            **self.extra_schema(),
            probatio.Required(CONF_VERIFY_SSL, default=True): BooleanSelector(),
        }
        if self.service_type in REGISTRABLE_SERVICES:
            # Unticked until the user agrees: it writes into the service's own
            # settings (Seerr has a single webhook agent) and makes the service
            # post test events, so it needs explicit consent. Existing users
            # keep doing it by hand unless they opt in.
            fields[probatio.Required(CONF_REGISTER_WEBHOOK, default=False)] = (
                BooleanSelector()
            )
        return probatio.Schema(fields)

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
        data = dict(user_input)
        for key in (CONF_URL, CONF_EXTERNAL_URL):
            if data.get(key):
                try:
                    data[key] = normalize_url(data[key])
                except ValueError:
                    return {key: "invalid_url"}
        url = data[CONF_URL]
        # Unique ids are unique across all subentry types of the entry.
        if any(other.unique_id == url for other in self._other_subentries()):
            raise AbortFlow("already_configured")
        if current is not None:
            data = _keep_secrets(type(self), data, current.data)
        errors, check = await _async_check_service(self.hass, type(self), data)
        if check is None:
            return errors
        self._title = self._distinct_title(check.title, url)
        self._data = {**data, **check.data}
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
                    return await self._async_webhook_steps()
                return self._async_create_subentry()
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                self._schema(reconfigure=False), user_input
            ),
            errors=errors,
        )

    async def _async_webhook_steps(self) -> SubentryFlowResult:
        """Check the service's webhook if the user asked for it, else show how to.

        A Seerr that Home Assistant's own Seerr integration serves has its
        events from there: its webhook is that integration's (core_seerr.py).
        """
        if self.service_type is ServiceType.SEERR and (
            core := core_entry_for(self.hass, self._data[CONF_URL])
        ):
            self._core_seerr_title = core.title
            return await self.async_step_core_seerr()
        if self._data.get(CONF_REGISTER_WEBHOOK):
            self._registration = await self._async_check_webhook()
            result = self._registration.result
            if result.ok:
                self._ha_url = display_url(result.url or "")
                return await self.async_step_registered()
            self._log_failure(result)
        return await self.async_step_webhook()

    def _log_failure(self, result: RegistrationResult) -> None:
        """Log why the service refused (the form can only say that it did)."""
        if result.outcome is Outcome.FAILED and result.detail:
            _LOGGER.warning(
                "Could not set up the webhook in %s: %s", self._title, result.detail
            )

    async def _async_check_webhook(self) -> PendingRegistration:
        """Test the service against Home Assistant's URLs; nothing is saved yet."""
        local_only = self._get_entry().options.get(
            CONF_WEBHOOK_LOCAL_ONLY, DEFAULT_WEBHOOK_LOCAL_ONLY
        )
        try:
            return await async_check_webhook(
                self.hass,
                create_client(self.hass, self.service_type, self._data),
                self._data[CONF_WEBHOOK_ID],
                self._get_entry().title,
                # Set on reconfigure: the loaded hub answers the webhook.
                subentry_id=self.context.get("subentry_id"),
                local_only=local_only,
            )
        except Exception:
            _LOGGER.exception(
                "Unexpected error setting up the webhook in %s", self.service_type
            )
            return PendingRegistration(RegistrationResult(Outcome.FAILED))

    async def async_step_registered(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Say where the service will send its events; submitting saves it there.

        If saving fails, the manual steps are shown instead.
        """
        if user_input is not None:
            result = await self._registration.async_save()
            if result.ok:
                return self._async_finish()
            self._log_failure(result)
            self._registration = PendingRegistration(result)
            return await self.async_step_webhook()
        return self.async_show_form(
            step_id="registered",
            data_schema=probatio.Schema({}),
            description_placeholders={"ha_url": self._ha_url},
        )

    async def async_step_core_seerr(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Say that Seerr's events come through Home Assistant's Seerr integration."""
        if user_input is not None:
            return self._async_finish()
        return self.async_show_form(
            step_id="core_seerr",
            data_schema=probatio.Schema({}),
            description_placeholders={"core_title": self._core_seerr_title},
        )

    async def async_step_webhook(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Show the webhook URL to paste into the service; submitting saves."""
        if user_input is not None:
            return self._async_finish()
        webhook_id: str = self._data[CONF_WEBHOOK_ID]
        errors: dict[str, str] = {}
        if error := _REGISTRATION_ERRORS.get(self._registration.result.outcome):
            errors["base"] = error
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
            data_schema=probatio.Schema({}),
            errors=errors,
            description_placeholders={"webhook_url": webhook_url},
        )

    @callback
    def _async_finish(self) -> SubentryFlowResult:
        """Save the validated data: create the subentry, or update it."""
        if self.source == SOURCE_RECONFIGURE:
            return self._async_update_subentry()
        return self._async_create_subentry()

    @callback
    def _async_create_subentry(self) -> SubentryFlowResult:
        """Create the subentry from the validated data."""
        return self.async_create_entry(
            title=self._title, data=self._data, unique_id=self._data[CONF_URL]
        )

    @callback
    def _async_update_subentry(self) -> SubentryFlowResult:
        """Update the reconfigured subentry with the validated data.

        The result also says what became of a registration left at an old URL.
        """
        entry = self._get_entry()
        subentry = self._get_reconfigure_subentry()
        if self._old_registration is None:
            return self.async_update_and_abort(
                entry,
                subentry,
                title=self._title,
                unique_id=self._data[CONF_URL],
                data=self._data,
            )
        old_host = _display_host(subentry.data[CONF_URL])
        self.hass.config_entries.async_update_subentry(
            entry,
            subentry,
            title=self._title,
            unique_id=self._data[CONF_URL],
            data=self._data,
        )
        return self.async_abort(
            reason=self._old_registration,
            description_placeholders={
                "old_host": old_host,
                "name": registration_name(entry.title),
            },
        )

    async def _async_leave_old_url(self, subentry: ConfigSubentry) -> None:
        """Remove the registration the integration made at the service's old URL.

        Only when the URL changed and the user had let the integration set the
        webhook up. Done before the webhook steps: the old and the new URL may
        reach the same server, whose registration the steps then make again.
        """
        old = subentry.data
        if old[CONF_URL] == self._data[CONF_URL] or not consents(
            self.service_type, old
        ):
            return
        try:
            removed = await async_unregister_webhook(
                create_client(self.hass, self.service_type, old),
                old[CONF_WEBHOOK_ID],
                self._get_entry().title,
            )
        except ServiceError as err:
            _LOGGER.warning(
                "Could not remove the webhook from %s at its old address %s (%s); "
                "delete it there by hand",
                subentry.title,
                _display_host(old[CONF_URL]),
                err,
            )
            self._old_registration = "old_registration_left"
            return
        if removed and not self._data.get(CONF_REGISTER_WEBHOOK):
            self._old_registration = "old_registration_removed"

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change URL, credentials or settings; the webhook id is kept.

        With the box ticked the webhook is set up (or brought up to date) in the
        service before saving, and the outcome is shown.
        """
        subentry = self._get_reconfigure_subentry()
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = await self._async_validate_input(user_input, subentry)
            if not errors:
                # Replace, not merge, the data: a cleared optional field (external
                # URL) or a replaced secret must not survive. Only the webhook id is
                # not part of the form.
                if CONF_WEBHOOK_ID in subentry.data:
                    self._data[CONF_WEBHOOK_ID] = subentry.data[CONF_WEBHOOK_ID]
                    await self._async_leave_old_url(subentry)
                    if self._data.get(CONF_REGISTER_WEBHOOK):
                        return await self._async_webhook_steps()
                return self._async_update_subentry()
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

    @classmethod
    async def async_check(
        cls, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> ServiceCheck:
        """Check status and API key; Seerr has no instance name, so use the host."""
        await SeerrClient(session, data[CONF_URL], data[CONF_API_KEY]).async_validate()
        return ServiceCheck(f"Seerr ({_display_host(data[CONF_URL])})")


class _ArrSubentryFlow(ServiceSubentryFlow):
    """Shared validation of Sonarr and Radarr."""

    client_class: ClassVar[type[ArrClient]]

    @classmethod
    async def async_check(
        cls, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> ServiceCheck:
        """Check the key and that the URL is the expected app; title = instance name."""
        client = cls.client_class(session, data[CONF_URL], data[CONF_API_KEY])
        status = await client.async_get_system_status()
        # A Radarr URL given as Sonarr would validate but never send Sonarr events.
        if status.app_name.casefold() != client.app_name.casefold():
            raise _WrongService(status.app_name)
        return ServiceCheck(status.instance_name)


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

    @classmethod
    def extra_schema(cls) -> dict[probatio.Marker, Any]:
        """Add the address users open Jellyfin at ("watch in Jellyfin" links)."""
        return {probatio.Optional(CONF_EXTERNAL_URL): _URL_SELECTOR}

    @classmethod
    async def async_check(
        cls, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> ServiceCheck:
        """Check the key with /System/Info; title = server name."""
        client = JellyfinClient(session, data[CONF_URL], data[CONF_API_KEY])
        info = await client.async_get_system_info()
        return ServiceCheck(
            info.server_name or "Jellyfin", {CONF_SERVER_ID: info.server_id}
        )


@_register
class ShokoSubentryFlow(ServiceSubentryFlow):
    """Add a Shoko Server (anime); it pushes events over SignalR, no webhook."""

    service_type = ServiceType.SHOKO
    secret_keys = (CONF_API_KEY, CONF_PASSWORD)

    @classmethod
    def credentials_schema(cls, *, keep_current: bool) -> dict[probatio.Marker, Any]:
        """An API key, or a user name and password exchanged for one."""
        return {
            probatio.Optional(CONF_API_KEY): _PASSWORD_SELECTOR,
            probatio.Optional(CONF_USERNAME): TextSelector(),
            probatio.Optional(CONF_PASSWORD): _PASSWORD_SELECTOR,
        }

    @classmethod
    async def async_check(
        cls, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> ServiceCheck:
        """Check the key (after getting one for user/password) and the version.

        A user name present means the user just typed it (none is stored), so
        it logs in even with an empty password, as Shoko's default user has.
        Only the API key is kept.
        """
        url = data[CONF_URL]
        if username := data.get(CONF_USERNAME):
            api_key = await ShokoClient.async_create_api_key(
                session, url, username, data.get(CONF_PASSWORD, "")
            )
        elif not (api_key := data.get(CONF_API_KEY, "")):
            raise InvalidAuth("Enter an API key or a user name")
        await ShokoClient(session, url, api_key).async_validate()
        return ServiceCheck(
            f"Shoko ({_display_host(url)})",
            {CONF_API_KEY: api_key, CONF_USERNAME: "", CONF_PASSWORD: ""},
        )


@_register
class QBittorrentSubentryFlow(ServiceSubentryFlow):
    """Add a qBittorrent client (polled; it sends no webhooks)."""

    service_type = ServiceType.QBITTORRENT
    secret_keys = (CONF_PASSWORD, CONF_API_KEY)

    @classmethod
    def credentials_schema(cls, *, keep_current: bool) -> dict[probatio.Marker, Any]:
        """Username and password, or an API key (qBittorrent 5.2 and newer)."""
        return {
            probatio.Optional(CONF_USERNAME): TextSelector(),
            probatio.Optional(CONF_PASSWORD): _PASSWORD_SELECTOR,
            probatio.Optional(CONF_API_KEY): _PASSWORD_SELECTOR,
        }

    @classmethod
    async def async_check(
        cls, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> ServiceCheck:
        """Log in (or use the API key) and read the version."""
        client = QBittorrentClient(
            session,
            data[CONF_URL],
            username=data.get(CONF_USERNAME, ""),
            password=data.get(CONF_PASSWORD, ""),
            api_key=data.get(CONF_API_KEY) or None,
        )
        await client.async_validate()
        return ServiceCheck(f"qBittorrent ({_display_host(data[CONF_URL])})")
