"""Deletions: by the delete action, or noticed in Sonarr, Radarr or Jellyfin.

Deletion events match finished requests too (lifecycle events do not): a show
deleted in Sonarr a month after it became available is marked deleted. A whole
series/movie gone makes the request `deleted`; a single episode file gone makes
that episode missing again (its import and availability are forgotten), so the
show goes back to waiting for it. Upgrades replace files and are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Final

from ..book import MATCHED, Applied, RequestBook, Touched
from ..correlation import IndexKey, external_id_keys, file_name, media_keys
from ..deletion_log import ServiceResult
from ..model import Episode, Outcome, Request, TimelineKind, Unit
from ..observations import (
    ArrFileDeleted,
    ArrMediaDeleted,
    JellyfinItem,
    MediaType,
    episode_key,
)

# Sonarr/Radarr delete reasons that mean the file was replaced, not lost.
_REPLACED_REASONS: Final = frozenset({"upgrade"})


class DeletionRules:
    """How deletions change requests, and the deletion log."""

    def __init__(self, book: RequestBook) -> None:
        """Work on `book`."""
        self._book = book

    def apply(
        self,
        obs: ArrMediaDeleted | ArrFileDeleted | JellyfinItem,
        when: datetime,
        touched: Touched,
    ) -> Applied:
        """Record media or a file deleted in Sonarr/Radarr, or an item in Jellyfin."""
        match obs:
            case ArrMediaDeleted():
                self._apply_media_deleted(obs, when, touched)
            case ArrFileDeleted():
                self._apply_file_deleted(obs, when, touched)
            case JellyfinItem():
                self._apply_jellyfin_deleted(obs, when, touched)
        return MATCHED

    def mark_deleted(
        self,
        request_id: str,
        *,
        source: str,
        user: str | None = None,
        delete_files: bool | None = None,
        results: Iterable[ServiceResult] = (),
    ) -> None:
        """Give a request the outcome `deleted` and log who did it.

        The caller settles the request (the delete action goes through
        `delete_request` of the Tracker facade).
        """
        request = self._book.requests[request_id]
        at = self._book.now().isoformat()
        request.deleted_at = request.deleted_at or at
        self._book.record(
            request,
            key=f"{source}:deleted_everywhere:{at}",
            kind=TimelineKind.DELETED,
            source=source,
            at=at,
            detail=user,
        )
        self._book.log_deletion(
            request,
            source=source,
            user=user,
            at=at,
            delete_files=delete_files,
            results=tuple(results),
        )

    # ------------------------------------------------------------- *arr events

    def _apply_media_deleted(
        self, obs: ArrMediaDeleted, when: datetime, touched: Touched
    ) -> None:
        """A series or movie was deleted in Sonarr/Radarr: its requests are gone."""
        keys = media_keys(obs.media, obs.instance_id)
        for request in self._deletable(keys, obs.media.media_type):
            if request.arr_instance not in (None, obs.instance_id):
                continue
            self._delete_whole(
                request,
                key=f"{obs.service}:{obs.instance_id}:deleted:{obs.media.arr_id}",
                source=str(obs.service),
                detail="with files" if obs.files_deleted else "files kept",
                when=when,
                touched=touched,
                delete_files=obs.files_deleted,
            )

    def _apply_file_deleted(
        self, obs: ArrFileDeleted, when: datetime, touched: Touched
    ) -> None:
        """A movie/episode file was deleted: movie gone, or episodes missing."""
        if obs.reason in _REPLACED_REASONS:
            return
        keys = media_keys(obs.media, obs.instance_id)
        ident = obs.file_id if obs.file_id is not None else obs.path
        key = f"{obs.service}:{obs.instance_id}:file_deleted:{ident}"
        for request in self._deletable(keys, obs.media.media_type):
            if request.media_type is MediaType.MOVIE:
                self._delete_whole(
                    request,
                    key=key,
                    source=str(obs.service),
                    detail=obs.path and file_name(obs.path),
                    when=when,
                    touched=touched,
                )
                continue
            episodes = [
                episode
                for ref in obs.episodes
                if (episode := request.episodes.get(ref.key)) is not None
            ]
            self._episodes_missing(
                request,
                episodes,
                key=key,
                source=str(obs.service),
                when=when,
                touched=touched,
            )

    # --------------------------------------------------------- jellyfin events

    def _apply_jellyfin_deleted(
        self, obs: JellyfinItem, when: datetime, touched: Touched
    ) -> None:
        """An item was removed from Jellyfin's library."""
        key = f"jellyfin:deleted:{obs.item_id}"
        if obs.item_type == "Episode":
            for request in self._deletable([("jellyfin", obs.item_id)], MediaType.TV):
                episodes = [
                    e for e in request.episodes.values() if e.jellyfin_id == obs.item_id
                ]
                if episodes:
                    # The item is there again since an earlier deletion of it
                    # (a repeated delivery finds no episode with this id).
                    _reopen(request, key, when.isoformat())
                self._episodes_missing(
                    request,
                    episodes,
                    key=key,
                    source="jellyfin",
                    when=when,
                    touched=touched,
                )
            return
        if obs.item_type not in ("Movie", "Series"):
            return
        media_type = MediaType.MOVIE if obs.item_type == "Movie" else MediaType.TV
        keys = [
            ("jellyfin", obs.item_id),
            *external_id_keys(media_type, obs.provider_ids),
        ]
        for request in self._deletable(keys, media_type):
            self._delete_whole(
                request,
                key=key,
                source="jellyfin",
                detail=obs.name,
                when=when,
                touched=touched,
            )

    # ----------------------------------------------------------------- helpers

    def _deletable(self, keys: list[IndexKey], media_type: MediaType) -> list[Request]:
        """Return the requests a deletion is about: finished ones too."""
        return sorted(
            (
                request
                for request in self._book.lookup(keys)
                if request.media_type is media_type and request.state != Outcome.DELETED
            ),
            key=lambda r: (r.created_at, r.id),
        )

    def _delete_whole(
        self,
        request: Request,
        *,
        key: str,
        source: str,
        detail: str | None,
        when: datetime,
        touched: Touched,
        delete_files: bool = True,
    ) -> None:
        at = when.isoformat()
        if not self._book.record(
            request,
            key=key,
            kind=TimelineKind.DELETED,
            source=source,
            at=at,
            detail=detail,
        ):
            return
        request.deleted_at = request.deleted_at or at
        self._book.log_deletion(
            request, source=source, at=at, delete_files=delete_files
        )
        touched.add(request)

    def _episodes_missing(
        self,
        request: Request,
        episodes: list[Episode],
        *,
        key: str,
        source: str,
        when: datetime,
        touched: Touched,
    ) -> None:
        if not episodes:
            return
        at = when.isoformat()
        labels = tuple(episode_key(e.season, e.number) for e in episodes)
        if not self._book.record(
            request,
            key=key,
            kind=TimelineKind.FILE_DELETED,
            source=source,
            at=at,
            detail=", ".join(labels),
        ):
            return
        for episode in episodes:
            if episode.jellyfin_id:
                # Jellyfin derives item ids from paths: the file put back gets
                # the same id, and its ItemAdded must count again.
                _reopen(request, f"jellyfin:added:{episode.jellyfin_id}", at)
            _forget_file(episode)
        self._book.log_deletion(request, source=source, at=at, episodes=labels)
        touched.add(request)


def _reopen(request: Request, key: str, at: str) -> None:
    """Let a recorded fact be recorded again; its timeline entry stays.

    The entry's idempotency key gets a suffix, so the fact is still history
    (also after a restart, which rebuilds the seen keys from the timeline).
    """
    if key not in request.seen_keys:
        return
    retired = f"{key}|until:{at}"
    request.timeline = [
        replace(entry, key=retired) if entry.key == key else entry
        for entry in request.timeline
    ]
    request.seen_keys.discard(key)
    request.seen_keys.add(retired)


def _forget_file(unit: Unit) -> None:
    """Forget a movie/episode's finished download cycle: it is wanted again.

    Sonarr searches for a missing episode again, so the old grab no longer
    counts either.
    """
    unit.grabbed_at = None
    unit.download_ids.clear()
    unit.imported_at = None
    unit.files.clear()
    unit.matched_at = None
    unit.shoko_file_ids.clear()
    unit.shoko_not_matched_at = None
    unit.available_at = None
    unit.jellyfin_id = None
