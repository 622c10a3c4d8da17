"""Client for the Shoko Server REST API (v3) and its SignalR hub address.

Facts (docs/protocols.md §7, ShokoAnime/ShokoServer v5.3.x and master/v6):
- ``POST /api/auth`` with ``{"user", "pass", "device"}`` answers ``200
  {"apikey": "…"}``, ``401`` for wrong credentials and ``400`` when the model is
  invalid (empty user or device). Asking again with the same device returns the
  known key (``API/v0/Controllers/AuthenticationController.cs`` ``Login``).
- Every other call authenticates with the header ``apikey: <key>``.
- ``GET /api/v3/Init/Version`` needs no key and answers a ComponentVersionSet:
  ``{"Server": {"Version": "5.3.3.0", "Tag": "v5.3.3", "Commit": …,
  "ReleaseChannel": …, "ReleaseDate": …}, "MediaInfo": {…}, "WebUI": {…}}``
  (``API/v3/Models/Common/ComponentVersionSet.cs``, ``ComponentVersion.cs``).
- ``GET /api/v3/ImportFolder`` (v5) lists ``{"ID", "Name", "Path",
  "WatchForNewFiles", "DropFolderType", "FileSize", "Size"}``
  (``API/v3/Models/Shoko/ImportFolder.cs``). v6 renames import folders to managed
  folders: ``GET /api/v3/ManagedFolder`` with the same ``ID``/``Name``/``Path``
  fields (``API/v3/Controllers/ManagedFolderController.cs``,
  ``API/v3/Models/Shoko/ManagedFolder.cs``).
- SignalR: hub ``/signalr/aggregate``; the ``feeds`` query selects the event
  groups. v5 knows ``shoko`` (``ShokoEvent:*``); v6 names its groups after the
  emitters (``file``, ``release``, ``metadata``, …, ``Aggregate/AggregateHub.cs``,
  ``BaseEventEmitter.cs``). Both ignore feed names they do not know, so one URL
  serves both versions.
- ``GET /api/v3/Action/RemoveMissingFiles/{removeFromMyList:bool?}`` drops the
  records of files that are no longer on disk. The flag is a **route** segment
  (``[HttpGet("RemoveMissingFiles/{removeFromMyList:bool?}")]``, default true):
  a query parameter would be ignored and the files also removed from the user's
  AniDB MyList (``API/v3/Controllers/ActionController.cs``).
- ``GET /api/v3/File/PathEndsWith?path=&includeXRefs=true&limit=`` lists the files
  with a location whose absolute path ends with ``path`` (``/`` and backslash both
  match the server separator, case-insensitive). ``includeXRefs`` is a bool in
  v5 and an enum with ``True`` in v6; ``SeriesIDs`` holds the cross references
  ``[{"SeriesID": {"ID", "AniDB", …}, "EpisodeIDs": [{"ID", "AniDB", …}]}]``,
  Shoko ids null until created (``FileController.cs``,
  ``Models/Shoko/FileCrossReference.cs``).
"""

from __future__ import annotations

from dataclasses import dataclass
import json
import logging
from typing import Any, Final

import aiohttp

from ..core.observations import ShokoCrossReference, ShokoFile, ShokoFileEvent
from ..parsers.fields import JsonObject
from .client import ApiKeyClient, read_answer
from .errors import CannotConnect, InvalidAuth, UnexpectedResponse

_LOGGER = logging.getLogger(__name__)

AUTH_PATH: Final = "/api/auth"
VERSION_PATH: Final = "/api/v3/Init/Version"
IMPORT_FOLDER_PATH: Final = "/api/v3/ImportFolder"
# Shoko v6 (master) name of the same list.
MANAGED_FOLDER_PATH: Final = "/api/v3/ManagedFolder"
REMOVE_MISSING_FILES_PATH: Final = "/api/v3/Action/RemoveMissingFiles"
PATH_ENDS_WITH_PATH: Final = "/api/v3/File/PathEndsWith"
SIGNALR_HUB_PATH: Final = "/signalr/aggregate"
# v5 group "shoko" plus the v6 groups whose events parsers/shoko.py reads.
SIGNALR_FEEDS: Final = ("shoko", "file", "release", "metadata")
# The key Shoko stores per (user, device); asking again returns the same key.
DEFAULT_DEVICE: Final = "home-assistant"


@dataclass(frozen=True, slots=True)
class ShokoVersion:
    """The server part of ``GET /api/v3/Init/Version``."""

    # "5.3.3.0" (v5) or a semantic version string (v6).
    version: str
    # Git tag of a release build ("v5.3.3"), None for dev builds.
    tag: str | None = None


@dataclass(frozen=True, slots=True)
class ShokoFileInfo:
    """A Shoko file (VideoLocal) and the episodes it is linked to."""

    file_id: int
    # One entry per linked episode; Shoko ids are None until the series and
    # episode rows exist (AniDB ids are there from the match on).
    cross_references: tuple[ShokoCrossReference, ...] = ()

    def matched(
        self, instance_id: str, relative_path: str, full_path: str
    ) -> ShokoFile:
        """Return the file as Shoko's "file matched" event would have named it.

        `relative_path` is what Shoko was asked for, `full_path` the library
        path the *arr imported it as.
        """
        return ShokoFile(
            instance_id=instance_id,
            event=ShokoFileEvent.MATCHED,
            relative_path=relative_path,
            file_id=self.file_id,
            cross_references=self.cross_references,
            full_path=full_path,
        )


class ShokoClient(ApiKeyClient):
    """Shoko Server client authenticating with an API key (``apikey`` header)."""

    service_name = "Shoko"

    def _auth_headers(self) -> dict[str, str]:
        """Return the API key header."""
        return {"apikey": self._api_key}

    @property
    def signalr_url(self) -> str:
        """Return the http(s) URL of the aggregate hub with the event feeds.

        The key is not part of it: the connection sends it in a header.
        """
        return f"{self.base_url}{SIGNALR_HUB_PATH}?feeds={','.join(SIGNALR_FEEDS)}"

    # -- REST -----------------------------------------------------------------

    async def async_get_version(self) -> ShokoVersion:
        """Return the server version (needs no key)."""
        answer = await self._async_get_json(VERSION_PATH)
        with read_answer(answer, "version") as data:
            server = data.require_object("Server")
            return ShokoVersion(
                version=server.require_str("Version"), tag=server.loose_str("Tag")
            )

    async def async_get_import_folders(self) -> dict[int, str]:
        """Return the path of every import folder, keyed by its id (needs the key).

        Shoko v6 calls them managed folders and moved the list; when the v5 path
        does not answer with JSON the v6 one is tried before giving up.
        """
        try:
            raw = await self._async_get_json(IMPORT_FOLDER_PATH)
        except UnexpectedResponse as err:
            try:
                raw = await self._async_get_json(MANAGED_FOLDER_PATH)
            except UnexpectedResponse:
                raise err from None
        if not isinstance(raw, list):
            raise UnexpectedResponse("Expected a list of import folders from Shoko")
        folders: dict[int, str] = {}
        for folder in raw:
            parsed = _parse_folder(JsonObject.loose(folder))
            if parsed is None:
                _LOGGER.debug("Skipping a Shoko import folder without id or path")
                continue
            folders[parsed[0]] = parsed[1]
        return folders

    async def async_remove_missing_files(
        self, *, remove_from_my_list: bool = False
    ) -> None:
        """Make Shoko forget the files that are no longer on disk.

        ``GET /api/v3/Action/RemoveMissingFiles/false``: the server removes the
        file records (and series left without files) in the background and
        answers 200 at once. The user's AniDB MyList is left alone unless
        `remove_from_my_list` is set (the server's own default would remove).
        """
        flag = "true" if remove_from_my_list else "false"
        await self._async_request("GET", f"{REMOVE_MISSING_FILES_PATH}/{flag}")

    async def async_get_file_by_path_suffix(self, path: str) -> ShokoFileInfo | None:
        """Return the file whose location ends with `path`, None if Shoko has none.

        ``GET /api/v3/File/PathEndsWith?path=&includeXRefs=true&limit=1``. Pass a
        suffix both sides agree on (the path below the import folder, or at
        least ``Show/Season 01/file.mkv``): Shoko compares it with the absolute
        path as Shoko sees it. Raise ValueError for a blank path.
        """
        if not path.strip():
            raise ValueError("path must not be blank")
        data = await self._async_get_json(
            PATH_ENDS_WITH_PATH,
            params={"path": path.strip(), "includeXRefs": "true", "limit": "1"},
        )
        if not isinstance(data, list):
            raise UnexpectedResponse(
                self._describe("GET", PATH_ENDS_WITH_PATH, "did not answer a list")
            )
        for element in data:
            if (info := _parse_file(JsonObject.loose(element))) is not None:
                return info
            _LOGGER.debug("Skipping a Shoko file without an id")
        return None

    async def async_validate(self) -> ShokoVersion:
        """Check that the server answers and accepts the key; return its version.

        The version call needs no key, so the import folder list proves it.
        """
        version = await self.async_get_version()
        await self.async_get_import_folders()
        return version

    # -- API key --------------------------------------------------------------

    @classmethod
    async def async_create_api_key(
        cls,
        session: aiohttp.ClientSession,
        url: str,
        username: str,
        password: str,
        device: str = DEFAULT_DEVICE,
    ) -> str:
        """Log in with a Shoko user and return the API key for `device`.

        Raises InvalidAuth for wrong credentials (HTTP 401/403) or a refused
        request (HTTP 400: user or device missing), CannotConnect or
        UnexpectedResponse; ValueError for an invalid URL. The password travels in
        the JSON body only and never appears in messages.
        """
        client = cls(session, url, "")
        return await client._async_login(username, password, device)

    async def _async_login(self, username: str, password: str, device: str) -> str:
        """POST the credentials to /api/auth and return the key from the answer."""
        method = "POST"
        _LOGGER.debug("%s %s %s%s", self.service_name, method, self._host, AUTH_PATH)
        try:
            async with self._session.request(
                method,
                f"{self._base_url}{AUTH_PATH}",
                json={"user": username, "pass": password, "device": device},
                headers={"Accept": "application/json"},
                timeout=self._timeout,
                # Credentials must not follow a redirect to another host.
                allow_redirects=False,
            ) as response:
                status = response.status
                body = await response.read()
        except TimeoutError as err:
            raise CannotConnect(self._describe(method, AUTH_PATH, "timed out")) from err
        except aiohttp.ClientError as err:
            raise CannotConnect(
                self._describe(method, AUTH_PATH, f"failed: {err}")
            ) from err

        if status == 400:
            raise InvalidAuth(
                self._describe(
                    method,
                    AUTH_PATH,
                    "was refused (HTTP 400): a user name and a device name are "
                    "required",
                )
            )
        if status in (401, 403):
            raise InvalidAuth(
                self._describe(
                    method,
                    AUTH_PATH,
                    f"was refused (HTTP {status}): wrong user name or password",
                )
            )
        if not 200 <= status < 300:
            raise UnexpectedResponse(
                self._describe(method, AUTH_PATH, f"answered HTTP {status}")
            )
        key = _api_key_from(body)
        if key is None:
            raise UnexpectedResponse(
                self._describe(method, AUTH_PATH, "did not answer with an API key")
            )
        return key


def _api_key_from(body: bytes) -> str | None:
    """Return the ``apikey`` of a login answer, None if it has none."""
    try:
        data: Any = json.loads(body)
    except ValueError, RecursionError:
        return None
    answer = JsonObject.loose(data)
    return answer.loose_str("apikey") if answer is not None else None


def _parse_folder(folder: JsonObject | None) -> tuple[int, str] | None:
    """Return (id, path) of one import/managed folder, None without either."""
    if folder is None:
        return None
    folder_id = folder.loose_int("ID")
    path = folder.loose_str("Path")
    if folder_id is None or path is None:
        return None
    return folder_id, path


def _sorted_ids(values: Any) -> tuple[int, ...]:
    """Return the non-None ids of an iterable, sorted and unique."""
    return tuple(sorted({value for value in values if value is not None}))


def _parse_file(data: JsonObject | None) -> ShokoFileInfo | None:
    """Return one v3 File with its cross references, None without an id.

    Malformed cross references are skipped; an entry without episode list still
    records its series.
    """
    if data is None or (file_id := data.loose_int("ID")) is None:
        return None
    xrefs: list[ShokoCrossReference] = []
    for raw in data.loose_list("SeriesIDs") or ():
        if (entry := JsonObject.loose(raw)) is None:
            _LOGGER.debug(
                "Skipping a malformed Shoko cross reference of file %s", file_id
            )
            continue
        series = entry.loose_object("SeriesID") or JsonObject({})
        series_id = series.loose_int("ID")
        anime_id = series.loose_int("AniDB")
        linked = entry.loose_objects("EpisodeIDs")
        if not linked:
            xrefs.append(ShokoCrossReference(None, None, series_id, anime_id))
        xrefs.extend(
            ShokoCrossReference(
                episode_id=episode.loose_int("ID"),
                anidb_episode_id=episode.loose_int("AniDB"),
                series_id=series_id,
                anidb_anime_id=anime_id,
            )
            for episode in linked
        )
    return ShokoFileInfo(file_id=file_id, cross_references=tuple(xrefs))
