"""The library sync: media already in Jellyfin, and ids other services know.

Items Jellyfin has that no request tracks become finished `library` requests
(store only, no entity). Existing requests get the ids they lack. Each step
reports "added", "updated" or "unchanged", so a second run reports no change.
"""

from __future__ import annotations

from enum import StrEnum

from ..book import RequestBook, Touched, TrackerUpdate, add_unique_int
from ..correlation import SHOKOFIN_KEYS, external_id_keys, int_or_none, media_keys
from ..model import Outcome, Request, TimelineKind
from ..observations import MediaRef, MediaType


class SyncResult(StrEnum):
    """What one synced item did to the tracker."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


type Synced = tuple[SyncResult, TrackerUpdate]


class LibraryRules:
    """Bring the tracker in step with what the services hold."""

    def __init__(self, book: RequestBook) -> None:
        """Work on `book`."""
        self._book = book

    def sync_jellyfin_item(
        self,
        media_type: MediaType,
        item_id: str,
        title: str,
        year: int | None,
        provider_ids: dict[str, str],
    ) -> Synced:
        """Add a Jellyfin movie/series as a library request, or fill its ids."""
        keys = [("jellyfin", item_id), *external_id_keys(media_type, provider_ids)]
        found = self._live(keys, media_type)
        touched = Touched()
        if not found:
            tmdb, tvdb, imdb = _media_ids(provider_ids)
            request = self._book.create(
                MediaRef(
                    media_type,
                    title,
                    year=year,
                    tmdb_id=tmdb,
                    tvdb_id=tvdb,
                    imdb_id=imdb,
                ),
                self._book.now(),
            )
            request.from_library = True
            at = self._book.now().isoformat()
            self._book.record(
                request,
                key=f"library:{item_id}",
                kind=TimelineKind.IN_LIBRARY,
                source="jellyfin",
                at=at,
            )
            _fill_jellyfin(request, item_id, provider_ids)
            if media_type is MediaType.MOVIE:
                request.movie.available_at = at
            touched.add(request, created=True)
            return SyncResult.ADDED, self._book.settle(touched, self._book.now())
        for request in found:
            if _fill_ids(request, media_type, provider_ids) | _fill_jellyfin(
                request, item_id, provider_ids
            ):
                touched.add(request)
        return self._synced(touched)

    def sync_arr_item(self, service: str, instance_id: str, media: MediaRef) -> Synced:
        """Link requests of a Sonarr series / Radarr movie that lack the link."""
        touched = Touched()
        for request in self._live(media_keys(media), media.media_type):
            if request.arr_instance is None and media.arr_id is not None:
                request.arr_service = service
                request.arr_instance = instance_id
                request.arr_id = media.arr_id
                touched.add(request)
            if _fill_ids(request, media.media_type, _provider_ids(media)):
                touched.add(request)
        return self._synced(touched)

    def sync_seerr_request(
        self, media: MediaRef, request_id: int, requested_by: str | None
    ) -> Synced:
        """Give a Seerr request's id to the request of its media that lacks one."""
        touched = Touched()
        if self._book.lookup([("seerr", request_id)]):
            return self._synced(touched)
        candidates = [
            r
            for r in self._live(media_keys(media), media.media_type)
            if r.seerr_request_id is None
        ]
        request = self._book.pick(candidates, ())
        if request is not None:
            request.seerr_request_id = request_id
            request.requested_by = request.requested_by or requested_by
            touched.add(request)
        return self._synced(touched)

    def _synced(self, touched: Touched) -> Synced:
        """Settle what a sync step filled in; report whether anything did."""
        result = SyncResult.UPDATED if touched.ids else SyncResult.UNCHANGED
        return result, self._book.settle(touched, self._book.now())

    def _live(
        self, keys: list[tuple[object, ...]], media_type: MediaType
    ) -> list[Request]:
        return [
            request
            for request in self._book.lookup(keys)
            if request.media_type is media_type and request.state != Outcome.DELETED
        ]


def _media_ids(
    provider_ids: dict[str, str],
) -> tuple[int | None, int | None, str | None]:
    """Return (TMDB, TVDB, IMDB) ids from Jellyfin-style provider ids."""
    return (
        int_or_none(provider_ids.get("tmdb")),
        int_or_none(provider_ids.get("tvdb")),
        provider_ids.get("imdb") or None,
    )


def _provider_ids(media: MediaRef) -> dict[str, str]:
    ids = {"tmdb": media.tmdb_id, "tvdb": media.tvdb_id, "imdb": media.imdb_id}
    return {key: str(value) for key, value in ids.items() if value}


def _fill_ids(
    request: Request, media_type: MediaType, provider_ids: dict[str, str]
) -> bool:
    """Fill TMDB/TVDB/IMDB ids the request lacks; return True if any was."""
    tmdb, tvdb, imdb = _media_ids(provider_ids)
    changed = False
    if request.tmdb_id is None and tmdb is not None:
        request.tmdb_id = tmdb
        changed = True
    if media_type is MediaType.TV and request.tvdb_id is None and tvdb is not None:
        request.tvdb_id = tvdb
        changed = True
    if not request.imdb_id and imdb:
        request.imdb_id = imdb
        changed = True
    return changed


def _fill_jellyfin(
    request: Request, item_id: str, provider_ids: dict[str, str]
) -> bool:
    """Record the Jellyfin id (and Shokofin's series id); True if new."""
    changed = False
    if request.media_type is MediaType.MOVIE:
        if request.movie.jellyfin_id is None:
            request.movie.jellyfin_id = item_id
            changed = True
    elif request.jellyfin_series_id is None:
        request.jellyfin_series_id = item_id
        changed = True
    series = int_or_none(provider_ids.get(_SHOKO_SERIES))
    if series is not None and series not in request.shoko_series_ids:
        add_unique_int(request.shoko_series_ids, series)
        changed = True
    return changed


_SHOKO_SERIES = next(p for p, kind in SHOKOFIN_KEYS.items() if kind == "shoko_series")
