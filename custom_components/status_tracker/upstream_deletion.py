"""Delete a request everywhere: the *arr, the download client, Shoko, Jellyfin, Seerr.

Independent services are asked at the same time. Jellyfin and Shoko come after
the *arr: Jellyfin's item delete removes files too (so it runs only when files
are to go), and Shoko can forget missing files only once they are gone. Every
service's answer is reported; one failure does not hide the others.

This module has no Home Assistant imports.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
import logging
import string
from typing import Any, Protocol

from .api import (
    JellyfinClient,
    NotFound,
    QBittorrentClient,
    RadarrClient,
    SeerrClient,
    ServiceClient,
    ServiceError,
    ShokoClient,
    SonarrClient,
)
from .core.deletion_log import ServiceOutcome, ServiceResult
from .core.model import Outcome, Request
from .core.observations import MediaType

_LOGGER = logging.getLogger(__name__)

type Step = Callable[[], Awaitable[ServiceResult]]


@dataclass(frozen=True, slots=True)
class Service:
    """A configured service as the deleter needs it."""

    service: str
    instance_id: str
    title: str
    client: ServiceClient


class ConfiguredService(Protocol):
    """What the deleter reads of a configured service instance."""

    @property
    def service(self) -> str:
        """Return the service type ("sonarr", ...)."""

    @property
    def subentry_id(self) -> str:
        """Return the instance's id."""

    @property
    def title(self) -> str:
        """Return the instance's title."""

    @property
    def client(self) -> ServiceClient:
        """Return the instance's client."""


def deletion_services(instances: Iterable[ConfiguredService]) -> list[Service]:
    """Return the configured instances as the deleter needs them."""
    return [
        Service(str(i.service), i.subentry_id, i.title, i.client) for i in instances
    ]


def describe_failures(failed: Iterable[ServiceResult]) -> str:
    """Return "instance: detail; ..." for failed results (messages, logs)."""
    return "; ".join(f"{r.instance or r.service}: {r.detail}" for r in failed)


async def async_delete_everywhere(
    request: Request,
    services: Iterable[Service],
    *,
    delete_files: bool,
    others: Iterable[Request] = (),
    exclude: frozenset[str] = frozenset(),
) -> list[ServiceResult]:
    """Delete the request's media in every service; return each service's result.

    `others` are the hub's other requests: a series or Seerr media shared with
    another request (another season) is not deleted under it. Services named
    in `exclude` (where a deletion was already noticed) are skipped.
    """
    services = [s for s in services if s.service not in exclude]
    alive = [
        other
        for other in others
        if other.id != request.id
        and other.state != Outcome.DELETED
        and other.media_type is request.media_type
    ]
    # Another request of the same series/movie (another season) keeps it.
    arr_sharing = [
        other
        for other in alive
        if request.arr_id is not None
        and (other.arr_instance, other.arr_id) == (request.arr_instance, request.arr_id)
    ]
    media_sharing = [
        other
        for other in alive
        if request.tmdb_id is not None
        and other.tmdb_id == request.tmdb_id
        and other.seerr_request_id is not None
    ]
    first: list[Step] = []
    after: list[Step] = []
    for service in services:
        match service.client:
            case SonarrClient() if request.media_type is MediaType.TV:
                first.append(_arr_step(service, request, delete_files, arr_sharing))
            case RadarrClient() if request.media_type is MediaType.MOVIE:
                first.append(_arr_step(service, request, delete_files, arr_sharing))
            case QBittorrentClient():
                first.append(_torrent_step(service, request, delete_files))
            case SeerrClient():
                first.append(_seerr_step(service, request, media_sharing))
            case JellyfinClient():
                after.append(_jellyfin_step(service, request, delete_files))
            case ShokoClient() if request.is_anime:
                after.append(_shoko_step(service, delete_files))
    results = list(await asyncio.gather(*(step() for step in first)))
    results += await asyncio.gather(*(step() for step in after))
    return results


def _result(
    service: Service, outcome: ServiceOutcome, detail: str | None = None
) -> ServiceResult:
    return ServiceResult(service.service, service.title, outcome, detail)


def _guarded(service: Service, call: Callable[[], Awaitable[ServiceResult]]) -> Step:
    """Turn errors into results: NotFound -> not_found, others -> failed."""

    async def step() -> ServiceResult:
        try:
            return await call()
        except NotFound:
            return _result(service, ServiceOutcome.NOT_FOUND)
        except ServiceError as err:
            return _result(service, ServiceOutcome.FAILED, str(err))
        except Exception:
            # A bug in one step must not hide what the other services did,
            # nor leave the request unrecorded after they deleted things.
            _LOGGER.exception("Unexpected error deleting in %s", service.title)
            return _result(service, ServiceOutcome.FAILED, "unexpected error")

    return step


def _arr_step(
    service: Service, request: Request, delete_files: bool, sharing: list[Request]
) -> Step:
    async def call() -> ServiceResult:
        if request.arr_instance != service.instance_id or request.arr_id is None:
            return _result(service, ServiceOutcome.NOT_FOUND, "not linked to it")
        if sharing:
            return _result(
                service,
                ServiceOutcome.SKIPPED,
                "the series also belongs to another request",
            )
        client: Any = service.client
        if isinstance(client, SonarrClient):
            await client.async_delete_series(request.arr_id, delete_files=delete_files)
        else:
            await client.async_delete_movie(request.arr_id, delete_files=delete_files)
        return _result(
            service,
            ServiceOutcome.DELETED,
            "with files" if delete_files else "files kept",
        )

    return _guarded(service, call)


def _request_hashes(request: Request) -> list[str]:
    hashes = dict.fromkeys(request.downloads)
    for unit in [request.movie, *request.episodes.values()]:
        hashes.update(dict.fromkeys(unit.download_ids))
    # Only torrent info-hashes: other download ids (SABnzbd_nzo_...) are not
    # qBittorrent's, and the client refuses anything but hex hashes.
    return [
        h
        for h in hashes
        if len(h) in (40, 64) and all(c in string.hexdigits for c in h)
    ]


def _torrent_step(service: Service, request: Request, delete_files: bool) -> Step:
    async def call() -> ServiceResult:
        client: Any = service.client
        hashes = _request_hashes(request)
        present = sorted(await client.async_get_torrents(hashes)) if hashes else []
        if not present:
            return _result(service, ServiceOutcome.NOT_FOUND)
        await client.async_delete_torrents(present, delete_files=delete_files)
        noun = "torrent" if len(present) == 1 else "torrents"
        data = "with data" if delete_files else "data kept"
        return _result(
            service, ServiceOutcome.DELETED, f"{len(present)} {noun}, {data}"
        )

    return _guarded(service, call)


def _seerr_step(service: Service, request: Request, sharing: list[Request]) -> Step:
    async def call() -> ServiceResult:
        if request.seerr_request_id is None:
            return _result(service, ServiceOutcome.SKIPPED, "not requested in Seerr")
        client: Any = service.client
        seerr_request = await client.async_get_request(request.seerr_request_id)
        await client.async_delete_request(request.seerr_request_id)
        if sharing or seerr_request.media is None:
            return _result(service, ServiceOutcome.DELETED, "request")
        try:
            await client.async_delete_media(seerr_request.media.id)
        except NotFound:
            return _result(service, ServiceOutcome.DELETED, "request")
        return _result(service, ServiceOutcome.DELETED, "request and media")

    return _guarded(service, call)


def _jellyfin_step(service: Service, request: Request, delete_files: bool) -> Step:
    async def call() -> ServiceResult:
        if not delete_files:
            return _result(
                service,
                ServiceOutcome.SKIPPED,
                "removing a Jellyfin item deletes its files",
            )
        client: Any = service.client
        item_ids = [
            unit.jellyfin_id
            for unit in [request.movie, *request.episodes.values()]
            if unit.jellyfin_id
        ]
        if not item_ids:
            return _result(service, ServiceOutcome.NOT_FOUND)
        gone = 0
        for item_id in dict.fromkeys(item_ids):
            try:
                await client.async_delete_item(item_id)
            except NotFound:
                continue
            gone += 1
        if not gone:
            return _result(service, ServiceOutcome.NOT_FOUND)
        return _result(service, ServiceOutcome.DELETED, f"{gone} item(s)")

    return _guarded(service, call)


def _shoko_step(service: Service, delete_files: bool) -> Step:
    async def call() -> ServiceResult:
        if not delete_files:
            return _result(service, ServiceOutcome.SKIPPED, "files kept")
        client: Any = service.client
        await client.async_remove_missing_files()
        return _result(service, ServiceOutcome.DELETED, "missing files removed")

    return _guarded(service, call)


def is_partial(results: Iterable[ServiceResult]) -> bool:
    """Return True when some service failed."""
    return any(result.outcome is ServiceOutcome.FAILED for result in results)
