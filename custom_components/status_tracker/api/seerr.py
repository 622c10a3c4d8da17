"""Client for Seerr (and its forks Jellyseerr and Overseerr), REST base ``/api/v1``."""

from __future__ import annotations

from dataclasses import dataclass

from .client import ApiKeyClient, json_object, json_optional_str, json_str


@dataclass(frozen=True, slots=True)
class SeerrStatus:
    """What ``GET /api/v1/status`` reports."""

    version: str
    commit_tag: str | None = None


class SeerrClient(ApiKeyClient):
    """Seerr client authenticating with the ``X-Api-Key`` header (acts as the admin)."""

    service_name = "Seerr"

    async def async_get_status(self) -> SeerrStatus:
        """Return the server version. The endpoint is public: it proves reachability only."""
        data = json_object(await self._async_get_json("/api/v1/status"), "status")
        return SeerrStatus(
            version=json_str(data, "version"),
            commit_tag=json_optional_str(data, "commitTag"),
        )

    async def async_check_auth(self) -> None:
        """Raise InvalidAuth unless the API key is accepted (``GET /api/v1/auth/me``)."""
        json_object(await self._async_get_json("/api/v1/auth/me"), "current user")

    async def async_validate(self) -> SeerrStatus:
        """Check that the server answers and accepts the key; return its status."""
        status = await self.async_get_status()
        await self.async_check_auth()
        return status
