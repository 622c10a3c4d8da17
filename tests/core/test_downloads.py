"""Download evidence from the download client, and the stalled check."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from custom_components.status_tracker.core.lifecycle import (
    download_progress,
    download_rate,
    episode_summary,
    unit_progress,
)
from custom_components.status_tracker.core.model import ProblemKind, Stage
from custom_components.status_tracker.core.observations import (
    ArrMediaAdded,
    DownloadClientUnreachable,
    TorrentSnapshot,
    TorrentState,
)
from custom_components.status_tracker.core.tracker import ProblemChange
from custom_components.status_tracker.parsers import parse_webhook
from tests.flows import MOVIE_HASH, SHOW_HASH, load_fixture, movie_flow, tv_flow

from .harness import NOW, Harness

CLIENT = "qbittorrent-subentry"
THRESHOLDS = {
    Stage.APPROVED: timedelta(hours=2),
    Stage.DOWNLOADING: timedelta(hours=24),
    Stage.DOWNLOADED: timedelta(minutes=30),
}


def torrent(
    download_id: str = MOVIE_HASH,
    progress: float = 0.42,
    state: str = "downloading",
    size: int | None = 8_204_017_664,
) -> TorrentState:
    """Return a torrent as the qBittorrent poll reports it."""
    return TorrentState(
        hash=download_id,
        name="Example.Movie.1999.1080p.BluRay.x264-EXAMPLE",
        state=state,
        progress=progress,
        download_speed=1_500_000 if progress < 1 else 0,
        eta=905 if progress < 1 else None,
        size=size,
    )


def snapshot(*torrents: TorrentState, removed: tuple[str, ...] = ()) -> TorrentSnapshot:
    """Return one poll's changes."""
    return TorrentSnapshot(instance_id=CLIENT, torrents=torrents, removed=removed)


def grabbed_movie() -> Harness:
    """Return a harness whose movie request was just grabbed."""
    harness = Harness()
    harness.play(movie_flow()[:4])
    assert harness.only().state == Stage.GRABBED
    return harness


def test_progress_moves_the_movie_to_downloading_then_downloaded() -> None:
    """Progress ticks update the request; only stage changes are reported."""
    harness = grabbed_movie()
    update = harness.observe(snapshot(torrent(progress=0.42)))
    request = harness.only()
    assert [(c.previous, c.current) for c in update.stage_changes] == [
        ("grabbed", "downloading")
    ]
    assert update.persist
    assert download_progress(request) == 42.0

    tick = harness.observe(snapshot(torrent(progress=0.5)))
    assert tick.changed == [request.id]
    assert not tick.stage_changes
    assert not tick.persist  # live figures only: not worth a write
    assert download_progress(request) == 50.0

    done = harness.observe(snapshot(torrent(progress=1.0, state="stalledUP")))
    assert [(c.previous, c.current) for c in done.stage_changes] == [
        ("downloading", "downloaded")
    ]
    assert done.persist
    assert request.timeline[-1].kind == "downloaded"
    assert request.timeline[-1].source == "qbittorrent"


def test_torrent_complete_when_grabbed_goes_straight_to_downloaded() -> None:
    """A torrent that is already complete never sits in downloading."""
    harness = grabbed_movie()
    update = harness.observe(snapshot(torrent(progress=1.0, state="pausedUP")))
    assert [(c.previous, c.current) for c in update.stage_changes] == [
        ("grabbed", "downloaded")
    ]


def test_unknown_torrents_are_ignored() -> None:
    """Torrents nobody requested change nothing and are not kept."""
    harness = grabbed_movie()
    update = harness.observe(snapshot(torrent(download_id="0" * 40)))
    assert not update
    assert not harness.tracker.orphans


def test_download_error_problem_is_raised_and_cleared() -> None:
    """missingFiles raises download_error; a healthy state clears it."""
    harness = grabbed_movie()
    harness.observe(snapshot(torrent()))
    update = harness.observe(snapshot(torrent(state="missingFiles")))
    request = harness.only()
    assert update.problem_changes == [
        ProblemChange(
            request.id,
            ProblemKind.DOWNLOAD_ERROR,
            "The download client reports missingFiles",
        )
    ]
    assert update.persist
    assert request.timeline[-1].kind == "download_error"
    cleared = harness.observe(snapshot(torrent(state="downloading")))
    assert cleared.problem_changes == [
        ProblemChange(request.id, ProblemKind.DOWNLOAD_ERROR, None)
    ]
    assert not request.problems


def test_tv_progress_is_per_episode_and_size_weighted() -> None:
    """A season pack moves every episode; two torrents weigh by size."""
    harness = Harness()
    harness.play(tv_flow()[:4])
    harness.observe(snapshot(torrent(SHOW_HASH, progress=0.1, size=3_000_000_000)))
    request = harness.only()
    assert request.state == Stage.DOWNLOADING
    assert episode_summary(request, NOW).text == "0/3 available · 3 downloading"

    # A second, single-episode torrent of 1 GB, complete; the pack is 10 %.
    single = "c" * 40
    regrab = load_fixture("sonarr/grab.json")
    regrab["episodes"] = regrab["episodes"][:1]
    regrab["downloadId"] = single.upper()
    harness.post("sonarr", regrab)
    harness.observe(
        snapshot(torrent(single, progress=1.0, state="uploading", size=1_000_000_000))
    )
    assert download_progress(request) == round(100 * (0.3 + 1.0) / 4.0, 1)
    # Per episode: E01 has both torrents, E02 and E03 only the pack.
    downloads = request.downloads
    assert unit_progress(request.episodes["S01E01"], downloads) == 32.5
    assert unit_progress(request.episodes["S01E02"], downloads) == 10.0
    assert unit_progress(request.movie, downloads) is None
    assert episode_summary(request, NOW).text == (
        "0/3 available · 1 downloaded · 2 downloading"
    )


def test_unreachable_client_makes_live_figures_unknown() -> None:
    """While the client cannot be read, speed and ETA are unknown; progress stays.

    Only that client's running downloads change, once; the first answer after
    the outage brings the figures back.
    """
    harness = grabbed_movie()
    request = harness.only()
    harness.observe(snapshot(torrent(progress=0.42)))
    assert download_rate(request) == (1_500_000, 905)

    update = harness.observe(DownloadClientUnreachable("another-client"))
    assert not update
    update = harness.observe(DownloadClientUnreachable(CLIENT))

    assert update.changed == [request.id]
    assert not update.persist
    assert download_rate(request) == (None, None)
    assert download_progress(request) == 42.0
    assert request.state == Stage.DOWNLOADING
    assert not harness.observe(DownloadClientUnreachable(CLIENT))

    harness.observe(snapshot(torrent(progress=0.5)))
    assert download_rate(request) == (1_500_000, 905)


def test_unreachable_client_leaves_finished_downloads_alone() -> None:
    harness = grabbed_movie()
    harness.observe(snapshot(torrent(progress=1.0, state="stalledUP")))
    before = harness.only().to_dict()

    assert not harness.observe(DownloadClientUnreachable(CLIENT))
    assert harness.only().to_dict() == before


def test_removed_torrent_is_kept_as_removed() -> None:
    """A torrent removed from the client keeps its last progress."""
    harness = grabbed_movie()
    harness.observe(snapshot(torrent(progress=0.7)))
    update = harness.observe(snapshot(removed=(MOVIE_HASH,)))
    download = harness.only().downloads[MOVIE_HASH]
    assert update.persist
    assert (download.state, download.progress, download.speed) == ("removed", 0.7, 0)
    assert not harness.observe(snapshot(removed=(MOVIE_HASH,)))


def test_full_update_without_a_torrent_means_removed() -> None:
    """After a re-login the full list is the truth for that client."""
    harness = grabbed_movie()
    harness.observe(snapshot(torrent(progress=0.7)))
    update = harness.observe(TorrentSnapshot(CLIENT, (), full=True))
    assert update
    assert harness.only().downloads[MOVIE_HASH].state == "removed"
    # Another client's full list says nothing about this torrent.
    other = Harness()
    other.play(movie_flow()[:4])
    other.observe(snapshot(torrent(progress=0.7)))
    assert not other.observe(TorrentSnapshot("other-client", (), full=True))


def test_finished_requests_ignore_the_client() -> None:
    """A seeding torrent of an available movie touches it once: its completion.

    Histories read after an outage can make a request available before its
    torrent was seen; the completion is recorded then, dated by qBittorrent.
    """
    harness = Harness()
    harness.play(movie_flow())
    completed = NOW - timedelta(minutes=3)
    seeding = replace(
        torrent(progress=1.0, state="uploading"),
        completion_on=int(completed.timestamp()),
    )
    update = harness.observe(snapshot(seeding))
    request = harness.only()
    assert update.persist
    assert not update.stage_changes
    assert request.state == Stage.AVAILABLE
    (entry,) = [e for e in request.timeline if e.kind == "downloaded"]
    assert (entry.at, entry.source) == (completed.isoformat(), "qbittorrent")
    assert request.downloads[MOVIE_HASH].speed == 0
    # Seeding on: nothing more.
    assert not harness.observe(snapshot(replace(seeding, state="stalledUP")))
    assert not harness.observe(snapshot(seeding))


def test_a_completion_is_dated_no_later_than_now() -> None:
    """A qBittorrent clock ahead of ours, or no completion time: dated now."""
    for completion_on in (int((NOW + timedelta(hours=1)).timestamp()), None):
        harness = Harness()
        harness.play(movie_flow())
        seeding = replace(
            torrent(progress=1.0, state="uploading"), completion_on=completion_on
        )
        harness.observe(snapshot(seeding))
        (entry,) = [e for e in harness.only().timeline if e.kind == "downloaded"]
        assert entry.at == NOW.isoformat()


def test_requests_ended_otherwise_ignore_the_client() -> None:
    """A torrent finishing for a deleted movie says nothing about it."""
    harness = Harness()
    harness.play(movie_flow()[:4])
    harness.post("radarr", load_fixture("radarr/movie_delete.json"))
    request = harness.only()
    assert request.finished
    assert request.state != Stage.AVAILABLE
    assert not harness.observe(snapshot(torrent(progress=1.0, state="uploading")))
    assert not [e for e in request.timeline if e.kind == "downloaded"]


NOT_IN_RADARR = (
    "Approved more than 2 h ago and not added to Radarr: "
    "Seerr may not have reached it; retry the request"
)


def test_stalled_raised_after_threshold_and_cleared_by_progress() -> None:
    """Approved for 2 h without a grab is stalled; the grab clears it.

    Radarr never added the movie: Seerr may have approved it while Radarr was
    down and will not send it again (seerr-team/seerr#2843).
    """
    harness = Harness()
    harness.play(movie_flow()[:2])
    request = harness.only()
    harness.now = NOW + timedelta(hours=1, minutes=59)
    assert not harness.tracker.downloads.check_stalled(THRESHOLDS)
    harness.now = NOW + timedelta(hours=2)
    update = harness.tracker.downloads.check_stalled(THRESHOLDS)
    assert update.problem_changes == [
        ProblemChange(request.id, ProblemKind.STALLED, NOT_IN_RADARR)
    ]
    assert not harness.tracker.downloads.check_stalled(THRESHOLDS)  # raised once

    harness.now += timedelta(minutes=5)
    grab = harness.post(*movie_flow()[3])
    assert ProblemChange(request.id, ProblemKind.STALLED, None) in grab.problem_changes
    assert ProblemKind.STALLED not in request.problems


def test_stalled_approved_show_names_sonarr() -> None:
    """A show Seerr approved that Sonarr never added points at Sonarr."""
    harness = Harness()
    harness.play(tv_flow()[:2])
    harness.now = NOW + timedelta(hours=3)
    harness.tracker.downloads.check_stalled(THRESHOLDS)
    assert harness.only().problems[ProblemKind.STALLED].reason == (
        "Approved more than 2 h ago and not added to Sonarr: "
        "Seerr may not have reached it; retry the request"
    )


def test_stalled_approved_movie_radarr_has_keeps_the_plain_reason() -> None:
    """Radarr has the movie (the presence check linked it): Seerr reached it."""
    harness = Harness()
    harness.play(movie_flow()[:2])
    movie = parse_webhook("radarr", load_fixture("radarr/movie_added.json"), CLIENT)
    assert isinstance(movie, ArrMediaAdded)
    harness.tracker.library.sync_arr_item("radarr", CLIENT, movie.media)
    assert harness.only().state == Stage.APPROVED
    harness.now = NOW + timedelta(hours=3)
    harness.tracker.downloads.check_stalled(THRESHOLDS)
    assert harness.only().problems[ProblemKind.STALLED].reason == (
        "No progress for 2 h while approved"
    )


def test_download_without_progress_stalls_and_a_tick_clears_it() -> None:
    """24 h at the same percentage is stalled; more bytes clear it."""
    harness = grabbed_movie()
    harness.observe(snapshot(torrent(progress=0.3, state="stalledDL")))
    harness.now = NOW + timedelta(hours=23)
    # Speed and state change without progress: still no progress.
    harness.observe(snapshot(torrent(progress=0.3, state="downloading")))
    harness.now = NOW + timedelta(hours=24)
    update = harness.tracker.downloads.check_stalled(THRESHOLDS)
    request = harness.only()
    assert request.problems[ProblemKind.STALLED].reason == (
        "No progress for 1 d while downloading"
    )
    assert update.persist
    harness.now += timedelta(seconds=5)
    tick = harness.observe(snapshot(torrent(progress=0.31)))
    assert tick.problem_changes == [
        ProblemChange(request.id, ProblemKind.STALLED, None)
    ]


def test_stage_without_threshold_never_stalls_and_old_problem_is_cleared() -> None:
    """Thresholds removed from the options clear the problem."""
    harness = Harness()
    harness.play(movie_flow()[:2])
    harness.now = NOW + timedelta(days=3)
    harness.tracker.downloads.check_stalled(THRESHOLDS)
    assert ProblemKind.STALLED in harness.only().problems
    update = harness.tracker.downloads.check_stalled({})
    assert update.problem_changes[0].reason is None


def test_a_completion_seen_late_is_dated_by_qbittorrent() -> None:
    """The first poll after a restart sees a finished torrent: dated when it finished."""
    harness = grabbed_movie()
    completed = NOW - timedelta(seconds=40)
    harness.observe(
        snapshot(
            replace(
                torrent(progress=1.0, state="uploading"),
                completion_on=int(completed.timestamp()),
            )
        )
    )
    request = harness.only()
    assert request.state == Stage.DOWNLOADED
    (entry,) = [e for e in request.timeline if e.kind == "downloaded"]
    assert entry.at == completed.isoformat()
