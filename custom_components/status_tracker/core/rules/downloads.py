"""Download client snapshots: progress, completion, errors, stalled requests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ..book import (
    LIVE_ONLY,
    MATCHED,
    Applied,
    RequestBook,
    Touched,
    TrackerUpdate,
    duration_text,
)
from ..model import REMOVED_STATE, Download, ProblemKind, Request, Stage, TimelineKind
from ..observations import (
    TORRENT_ERROR_STATES,
    DownloadClientUnreachable,
    MediaType,
    TorrentSnapshot,
    TorrentState,
)


class DownloadRules:
    """Apply download client snapshots and watch for stalled requests."""

    def __init__(self, book: RequestBook) -> None:
        """Work on `book`."""
        self._book = book

    def apply(
        self,
        obs: TorrentSnapshot | DownloadClientUnreachable,
        when: datetime,
        touched: Touched,
    ) -> Applied:
        """Record a download client's poll, or that it could not be read."""
        if isinstance(obs, DownloadClientUnreachable):
            self._apply_client_unreachable(obs, touched)
            return LIVE_ONLY
        return MATCHED if self._apply_torrents(obs, when, touched) else LIVE_ONLY

    def downloading_via(self, client: str) -> bool:
        """Return True while an active request has an unfinished download there."""
        return any(
            download.client == client
            and not download.complete
            and download.state != REMOVED_STATE
            for request in self._book.active()
            for download in request.downloads.values()
        )

    def check_stalled(self, thresholds: dict[str, timedelta]) -> TrackerUpdate:
        """Raise or clear the `stalled` problem of active requests.

        A request is stalled when nothing moved forward for longer than the
        threshold of its stage (stages without a threshold never stall).
        """
        now = self._book.now()
        touched = Touched()
        for request in self._book.active():
            limit = thresholds.get(request.state)
            since = request.last_progress_at or request.stage_since
            quiet = now - datetime.fromisoformat(since) if since else timedelta(0)
            stalled = limit is not None and quiet >= limit
            if stalled and limit is not None:
                reason = _stalled_reason(request, limit)
                if self._book.set_problem(request, ProblemKind.STALLED, reason, now):
                    touched.add(request)
            elif not stalled and self._book.clear_problem(request, ProblemKind.STALLED):
                touched.add(request)
        return self._book.settle(touched, now)

    def _apply_torrents(
        self, obs: TorrentSnapshot, when: datetime, touched: Touched
    ) -> bool:
        """Record download states; return True if anything worth saving changed."""
        persist = False
        seen: set[str] = set()
        for torrent in obs.torrents:
            seen.add(torrent.hash)
            for request in self._book.lookup([("hash", torrent.hash)]):
                old = request.downloads.get(torrent.hash)
                new = _download_of(torrent, obs.instance_id)
                if request.finished:
                    if self._record_late_completion(request, torrent, old, new, when):
                        touched.add(request)
                        persist = True
                    continue
                if new == old:
                    continue
                request.downloads[torrent.hash] = new
                touched.add(request)
                persist |= self._record_download(request, torrent, old, new, when)
        removed = set(obs.removed)
        if obs.full:
            # A full answer lists everything: what it lacks was removed.
            removed |= {
                download_id
                for request in self._book.active()
                for download_id, download in request.downloads.items()
                if download.client == obs.instance_id and download_id not in seen
            }
        for download_id in removed:
            for request in self._book.lookup([("hash", download_id)], active_only=True):
                download = request.downloads.get(download_id)
                if download is not None and download.state != REMOVED_STATE:
                    request.downloads[download_id] = replace(
                        download, state=REMOVED_STATE, speed=0, eta=None
                    )
                    touched.add(request)
                    persist = True
        return persist

    def _apply_client_unreachable(
        self, obs: DownloadClientUnreachable, touched: Touched
    ) -> None:
        """Forget the live figures of a client's running downloads; keep progress."""
        for request in self._book.active():
            for download_id, download in request.downloads.items():
                if (
                    download.client == obs.instance_id
                    and not download.complete
                    and (download.speed is not None or download.eta is not None)
                ):
                    request.downloads[download_id] = replace(
                        download, speed=None, eta=None
                    )
                    touched.add(request)

    def _record_late_completion(
        self,
        request: Request,
        torrent: TorrentState,
        old: Download | None,
        new: Download,
        when: datetime,
    ) -> bool:
        """Record once that an available request's download completed.

        Webhooks lost while Home Assistant was down come back from the
        services' histories (grab, import, item added) before qBittorrent is
        read: the request is available before its torrent was seen complete.
        The completion is still a fact of the request, dated when qBittorrent
        says it finished (never later than now). Nothing live (speed, ETA) is
        kept for a finished request, nor anything for one that ended otherwise.
        """
        if (
            request.state != Stage.AVAILABLE
            or not new.complete
            or (old is not None and old.complete)
        ):
            return False
        request.downloads[torrent.hash] = replace(new, speed=0, eta=None)
        self._record_completion(request, torrent, when)
        return True

    def _record_completion(
        self, request: Request, torrent: TorrentState, when: datetime
    ) -> None:
        """Record that a download completed, when qBittorrent says (never later than now).

        The poll that sees it may come much later than the completion: the
        first after a restart, or after the request was recovered.
        """
        completed = (
            min(datetime.fromtimestamp(torrent.completion_on, UTC), when)
            if torrent.completion_on is not None
            else when
        )
        self._book.record(
            request,
            key=f"download:{torrent.hash}:complete",
            kind=TimelineKind.DOWNLOADED,
            source="qbittorrent",
            at=completed.isoformat(),
            detail=torrent.name,
        )

    def _record_download(
        self,
        request: Request,
        torrent: TorrentState,
        old: Download | None,
        new: Download,
        when: datetime,
    ) -> bool:
        """Turn one torrent change into facts and problems; True if lasting."""
        at = when.isoformat()
        if old is None or new.progress > old.progress:
            request.last_progress_at = at
        if new.complete and not (old and old.complete):
            self._record_completion(request, torrent, when)
        failing = {
            d.state
            for d in request.downloads.values()
            if d.state in TORRENT_ERROR_STATES
        }
        if failing:
            reason = f"The download client reports {', '.join(sorted(failing))}"
            if self._book.set_problem(
                request, ProblemKind.DOWNLOAD_ERROR, reason, when
            ):
                self._book.record(
                    request,
                    key=f"download:{torrent.hash}:{new.state}",
                    kind=TimelineKind.DOWNLOAD_ERROR,
                    source="qbittorrent",
                    at=at,
                    detail=torrent.name,
                )
        else:
            self._book.clear_problem(request, ProblemKind.DOWNLOAD_ERROR)
        return (
            old is None
            or old.complete != new.complete
            or (old.state in TORRENT_ERROR_STATES)
            != (new.state in TORRENT_ERROR_STATES)
        )


def _stalled_reason(request: Request, limit: timedelta) -> str:
    """Say what a stalled request waits for, and what may get it moving.

    A Seerr request approved while Sonarr/Radarr was down stays approved in
    Seerr and is never handed over again (seerr-team/seerr#2843): without an
    *arr item, Seerr's retry is the cure (docs/protocols.md §4.3).
    """
    if request.awaiting_arr and request.origin == "seerr":
        arr = "Radarr" if request.media_type is MediaType.MOVIE else "Sonarr"
        return (
            f"Approved more than {duration_text(limit)} ago and not added to {arr}: "
            "Seerr may not have reached it; retry the request"
        )
    return f"No progress for {duration_text(limit)} while {request.state}"


def _download_of(torrent: TorrentState, client: str) -> Download:
    return Download(
        progress=torrent.progress,
        state=torrent.state,
        speed=torrent.download_speed,
        eta=torrent.eta,
        size=torrent.size,
        client=client,
    )
