"""Stages derived from evidence: availability, downloads, air dates, outcomes, anime."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.status_tracker.core.lifecycle import (
    EpisodeSummary,
    base_stage,
    derive_state,
    download_progress,
    episode_summary,
    in_requested_seasons,
    is_aired,
)
from custom_components.status_tracker.core.model import (
    Download,
    Episode,
    Outcome,
    ProblemKind,
    Request,
    Stage,
)
from custom_components.status_tracker.core.observations import (
    JellyfinItem,
    MediaType,
    Observation,
    SeriesEpisodes,
)
from custom_components.status_tracker.core.tracker import (
    ProblemChange,
    StageChange,
    Touched,
    TrackerUpdate,
)
from custom_components.status_tracker.parsers import parse_webhook
from tests.flows import (
    MOVIE_HASH,
    SHOW_HASH,
    episode_import,
    jellyfin_episode,
    load_fixture,
    movie_flow,
    sonarr_episode_list,
    tv_flow,
)

from .harness import INSTANCE, NOW, SERIES_PROVIDER_IDS, Harness, episode_refs

ANIME_HASH = "c4d2e8f0a6b1973e5d7f9a1c3e5b7d9f0a2c4e61"
ANIME_SERIES_JELLYFIN_ID = "6f7a8b9c0d1e42f3a4b5c6d7e8f9a0b1"
BLOCK_REASON = (
    "[ExampleSubs] Example Anime - 01 (1080p WEB HEVC).mkv: "
    "Unable to determine if file is a sample"
)


def fixture(name: str) -> dict[str, Any]:
    """Return a private copy of a fixture body, ready to be changed."""
    return copy.deepcopy(load_fixture(name))


def anime_episode_list() -> list[dict[str, Any]]:
    """Return Sonarr's episode list of Example Anime (series 23)."""
    return fixture("sonarr/grab_anime.json")["episodes"]


class ListHarness(Harness):
    """A harness whose Sonarr answers with the given episode list per series.

    `lists=None` means Sonarr's episode list is never read.
    """

    def __init__(
        self,
        lists: dict[int, list[dict[str, Any]]] | None,
        *,
        now: datetime = NOW,
    ) -> None:
        super().__init__(now=now)
        self.lists = lists

    def observe(self, observation: Observation) -> TrackerUpdate:
        update = self.tracker.apply(observation)
        self.updates.append(update)
        for request in self.tracker.needs_episode_list():
            if self.lists is None or request.arr_id not in self.lists:
                continue
            assert request.arr_instance is not None
            self.updates.append(
                self.tracker.apply(
                    SeriesEpisodes(
                        instance_id=request.arr_instance,
                        series_id=request.arr_id,
                        episodes=episode_refs(self.lists[request.arr_id]),
                    )
                )
            )
        return update

    def post(self, service: str, body: dict[str, Any]) -> TrackerUpdate:
        observation = parse_webhook(service, body, INSTANCE)
        series_ids = {
            **SERIES_PROVIDER_IDS,
            ANIME_SERIES_JELLYFIN_ID: {"tvdb": "424536", "tmdb": "209867"},
        }
        if isinstance(observation, JellyfinItem) and observation.series_id:
            observation = replace(
                observation, series_provider_ids=series_ids.get(observation.series_id)
            )
        return self.observe(observation)


def changes(update: TrackerUpdate) -> list[tuple[str | None, str]]:
    """Return an update's stage changes as (previous, current) pairs."""
    return [(c.previous, c.current) for c in update.stage_changes]


# ------------------------------------------------------------ availability


def test_show_not_available_when_only_first_episode_is_in_jellyfin() -> None:
    """The first episode appearing in Jellyfin does not make the show available."""
    harness = Harness()
    harness.play(tv_flow()[:9])
    request = harness.only()
    assert request.episodes_complete
    assert request.episodes["S01E01"].available_at is not None
    assert request.state == Stage.IMPORTING
    assert not request.finished
    assert episode_summary(request, NOW).text == "1/3 available · 2 importing"


def test_show_not_available_before_sonarr_episode_list_is_read() -> None:
    """All episodes Jellyfin reported are there, but the full list is unknown.

    Per-file imports only (no season-pack import) and no word from Seerr.
    """
    harness = ListHarness(lists=None)
    harness.play([step for step in tv_flow() if not _stands_in_for_list(step)])
    request = harness.only()
    assert not request.episodes_complete
    assert all(e.available_at for e in request.episodes.values())
    assert request.state == Stage.IMPORTING
    assert harness.tracker.needs_episode_list() == [request]

    update = harness.tracker.apply(
        SeriesEpisodes(INSTANCE, 7, episode_refs(sonarr_episode_list()))
    )

    assert changes(update) == [("importing", "available")]
    assert request.state == Stage.AVAILABLE
    assert request.episodes_complete
    assert harness.tracker.needs_episode_list() == []
    # The same list read again changes nothing.
    assert not harness.tracker.apply(
        SeriesEpisodes(INSTANCE, 7, episode_refs(sonarr_episode_list()))
    )


def _stands_in_for_list(step: tuple[str, dict[str, object]]) -> bool:
    service, body = step
    if service == "seerr":
        return body["notification_type"] == "MEDIA_AVAILABLE"
    return "episodeFiles" in body


@pytest.mark.parametrize(
    "stand_in",
    [
        ("sonarr", "sonarr/import_complete.json"),
        ("seerr", "jellyseerr/media_available_tv.json"),
    ],
)
def test_season_pack_or_seerr_stands_in_for_the_list(
    stand_in: tuple[str, str],
) -> None:
    """Without Sonarr's list, a season-pack import or Seerr's word completes it."""
    harness = ListHarness(lists=None)
    harness.play([step for step in tv_flow() if not _stands_in_for_list(step)])
    assert harness.only().state == Stage.IMPORTING
    service, fixture = stand_in
    harness.post(service, load_fixture(fixture))
    request = harness.only()
    assert request.state == Stage.AVAILABLE
    assert not request.episodes_complete


def test_list_read_after_seerr_reopens_a_show_missing_an_episode() -> None:
    """Sonarr's list still wins: an aired episode nobody has reopens the show."""
    harness = ListHarness(lists=None)
    harness.play(tv_flow())
    request = harness.only()
    assert request.state == Stage.AVAILABLE
    assert harness.tracker.needs_episode_list() == [request]
    listed = sonarr_episode_list()
    extra = {**listed[-2], "id": 704, "episodeNumber": 4, "tvdbId": 349237}
    update = harness.tracker.apply(
        SeriesEpisodes(INSTANCE, 7, episode_refs([*listed, extra]))
    )
    assert changes(update) == [("available", "searching")]
    assert not request.finished
    assert episode_summary(request, NOW).text == "3/4 available · 1 searching"


def test_episode_list_reveals_an_episode_nobody_grabbed() -> None:
    """Sonarr listing an aired episode nobody grabbed keeps the show searching."""
    harness = ListHarness(lists=None)
    harness.play(
        [
            ("seerr", load_fixture("jellyseerr/media_approved_tv.json")),
            ("sonarr", load_fixture("sonarr/series_add.json")),
            ("sonarr", _grab_first_two()),
            *(("sonarr", episode_import(n)) for n in (1, 2)),
            *(("jellyfin", jellyfin_episode(n)) for n in (1, 2)),
        ]
    )
    request = harness.only()
    assert request.state == Stage.IMPORTING

    update = harness.tracker.apply(
        SeriesEpisodes(INSTANCE, 7, episode_refs(sonarr_episode_list()))
    )

    assert changes(update) == [("importing", "searching")]
    assert episode_summary(request, NOW).text == "2/3 available · 1 searching"


def test_episode_list_for_a_movie_id_is_ignored() -> None:
    """An episode list never touches a movie sharing the *arr id."""
    harness = Harness()
    harness.play(movie_flow()[:3])
    before = harness.only().to_dict()
    assert not harness.tracker.apply(
        SeriesEpisodes(INSTANCE, 12, episode_refs(sonarr_episode_list()))
    )
    assert harness.only().to_dict() == before


# --------------------------------------------------------------- downloads


def test_torrent_complete_at_grab_is_downloaded() -> None:
    """A torrent already complete when grabbed shows as downloaded, not stuck."""
    harness = Harness()
    harness.play(movie_flow()[:4])
    request = harness.only()
    assert request.state == Stage.GRABBED

    request.downloads[MOVIE_HASH] = Download(progress=1.0, state="stalledUP")
    assert request.downloads[MOVIE_HASH].complete
    assert derive_state(request, NOW) == Stage.DOWNLOADED
    update = harness.tracker.refresh()
    assert changes(update) == [("grabbed", "downloaded")]

    request.downloads[MOVIE_HASH] = Download(progress=0.42, state="downloading")
    assert derive_state(request, NOW) == Stage.DOWNLOADING
    # In the client but no bytes yet (metadata, queued, no peers) is
    # downloading too, so a dead torrent falls under the downloading stall check.
    request.downloads[MOVIE_HASH] = Download(progress=0.0, state="metaDL")
    assert derive_state(request, NOW) == Stage.DOWNLOADING
    request.downloads.clear()
    assert derive_state(request, NOW) == Stage.GRABBED


def test_import_before_download_completion_is_kept() -> None:
    """An import reported before qBittorrent says 100 % still counts."""
    harness = Harness()
    harness.play(movie_flow()[:5])
    request = harness.only()
    request.downloads[MOVIE_HASH] = Download(progress=0.99)
    assert derive_state(request, NOW) == Stage.IMPORTING


def test_season_pack_download_moves_every_episode() -> None:
    """One season-pack torrent advances all its episodes together."""
    harness = Harness()
    harness.play(tv_flow()[:4])
    request = harness.only()
    request.downloads[SHOW_HASH] = Download(progress=0.5, size=10)
    assert derive_state(request, NOW) == Stage.DOWNLOADING
    assert episode_summary(request, NOW).text == "0/3 available · 3 downloading"
    request.downloads[SHOW_HASH] = Download(progress=1.0, size=10)
    assert derive_state(request, NOW) == Stage.DOWNLOADED


def test_download_progress_is_size_weighted() -> None:
    """A small finished torrent does not make a big one look half done."""
    request = _movie_request()
    assert download_progress(request) is None
    request.downloads = {
        "a": Download(progress=1.0, size=100),
        "b": Download(progress=0.0, size=300),
    }
    assert download_progress(request) == 25.0
    # Sizes unknown: plain average.
    request.downloads["b"] = Download(progress=0.5)
    assert download_progress(request) == 75.0


# ---------------------------------------------------------------- air dates


def _list_with_unaired() -> list[dict[str, Any]]:
    """Return Example Show's list with E03 airing later and an E04 without a date."""
    episodes = sonarr_episode_list()
    third = next(
        e for e in episodes if e["seasonNumber"] == 1 and e["episodeNumber"] == 3
    )
    third["airDate"] = "2026-01-15"
    third["airDateUtc"] = "2026-01-15T03:00:00Z"
    fourth = {
        **third,
        "id": 704,
        "episodeNumber": 4,
        "title": "TBA",
        "tvdbId": 0,
    }
    del fourth["airDate"], fourth["airDateUtc"]
    return [*episodes, fourth]


def _grab_first_two() -> dict[str, Any]:
    body = fixture("sonarr/grab.json")
    body["episodes"] = body["episodes"][:2]
    return body


def _unaired_flow() -> list[tuple[str, dict[str, Any]]]:
    return [
        ("seerr", load_fixture("jellyseerr/media_approved_tv.json")),
        ("sonarr", load_fixture("sonarr/series_add.json")),
        ("sonarr", _grab_first_two()),
        ("sonarr", episode_import(1)),
        ("sonarr", episode_import(2)),
        ("jellyfin", jellyfin_episode(1)),
    ]


def test_unaired_episodes_are_not_searching() -> None:
    """Episodes that have not aired are shown as unaired and do not hold the show."""
    harness = ListHarness(lists={7: _list_with_unaired()})
    harness.play(_unaired_flow())
    request = harness.only()

    assert request.state == Stage.IMPORTING
    summary = episode_summary(request, NOW)
    assert summary.unaired == 2
    assert summary.total == 2
    assert summary.text == "1/2 available · 1 importing · 2 unaired"

    harness.post("jellyfin", jellyfin_episode(2))
    assert request.state == Stage.AVAILABLE
    assert episode_summary(request, NOW).text == "2/2 available · 2 unaired"


def test_refresh_after_air_date_moves_back_to_searching() -> None:
    """When an episode airs, the show goes back to searching until it is grabbed."""
    harness = ListHarness(lists={7: _list_with_unaired()})
    harness.play(_unaired_flow())
    request = harness.only()
    assert not harness.tracker.refresh()

    harness.now = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)
    update = harness.tracker.refresh()

    assert changes(update) == [("importing", "searching")]
    assert update.changed == [request.id]
    assert request.state == Stage.SEARCHING
    assert episode_summary(request, harness.now).text == (
        "1/3 available · 1 importing · 1 searching · 1 unaired"
    )
    assert not harness.tracker.refresh()


def test_refresh_after_air_date_reopens_an_available_show() -> None:
    """A show available up to the last aired episode reopens when the next one airs."""
    harness = ListHarness(lists={7: _list_with_unaired()})
    harness.play([*_unaired_flow(), ("jellyfin", jellyfin_episode(2))])
    request = harness.only()
    assert request.state == Stage.AVAILABLE
    assert request.finished_at is not None

    harness.now = datetime(2026, 1, 16, tzinfo=UTC)
    update = harness.tracker.refresh()

    assert changes(update) == [("available", "searching")]
    assert request.finished_at is None
    assert request in list(harness.tracker.active())


def test_is_aired() -> None:
    """Air dates in either Sonarr form; unknown or unreadable means not aired."""
    episode = Episode(season=1, number=1)
    assert not is_aired(episode, NOW)
    for aired in ("2008-01-20", "2008-01-21T03:00:00Z", "2008-01-21T03:00:00"):
        assert is_aired(replace(episode, air_date=aired), NOW), aired
    assert not is_aired(replace(episode, air_date="2026-01-11"), NOW)
    assert is_aired(replace(episode, air_date="2026-01-10"), NOW)
    assert not is_aired(replace(episode, air_date="soon"), NOW)
    assert not is_aired(replace(episode, air_date="2026-13-45"), NOW)


def test_requested_seasons_without_a_list_mean_all_but_specials() -> None:
    """A request without seasons covers every season except specials."""
    request = _tv_request()
    assert in_requested_seasons(request, 1)
    assert not in_requested_seasons(request, 0)
    request.seasons = [2]
    assert not in_requested_seasons(request, 1)


def test_summary_text_lists_most_advanced_first() -> None:
    """The summary reads like "8/12 available · 3 downloading · 1 searching"."""
    summary = EpisodeSummary(
        total=12,
        available=8,
        unaired=0,
        by_stage={"available": 8, "searching": 1, "downloading": 3},
    )
    assert summary.text == "8/12 available · 3 downloading · 1 searching"


# ----------------------------------------------------------------- outcomes


def test_declined_request() -> None:
    """A declined request ends as declined."""
    harness = Harness()
    harness.post("seerr", load_fixture("jellyseerr/media_pending.json"))
    update = harness.post("seerr", load_fixture("jellyseerr/media_declined.json"))
    request = harness.only()
    assert request.state == Outcome.DECLINED
    assert request.finished
    assert changes(update) == [("requested", "declined")]


def test_declined_tv_request() -> None:
    """The same for a show."""
    harness = Harness()
    harness.post("seerr", load_fixture("jellyseerr/media_declined_tv.json"))
    assert harness.only().state == Outcome.DECLINED


def test_failed_request() -> None:
    """A request Seerr could not hand to Radarr ends as failed."""
    harness = Harness()
    harness.play(movie_flow()[:2])
    harness.post("seerr", load_fixture("jellyseerr/media_failed.json"))
    assert harness.only().state == Outcome.FAILED


@pytest.mark.parametrize("failed_first", [True, False])
def test_failed_but_grabbed_is_not_failed(failed_first: bool) -> None:
    """Seerr saying "failed" while Radarr grabbed anyway keeps the request going."""
    harness = Harness()
    failed = ("seerr", load_fixture("jellyseerr/media_failed.json"))
    grab = ("radarr", load_fixture("radarr/grab.json"))
    harness.play(
        [*movie_flow()[:2], *([failed, grab] if failed_first else [grab, failed])]
    )
    request = harness.only()
    assert request.state == Stage.GRABBED
    assert request.failed_at is not None
    assert not request.finished


def _declined_after_auto_approval(*, declined_first: bool) -> Harness:
    """Play Seerr 3.4 declining an auto-approved movie Radarr grabbed.

    seerr-team/seerr#3347: Seerr's Radarr scan declines the request, in either
    order with Radarr's grab.
    """
    harness = Harness()
    declined = ("seerr", load_fixture("jellyseerr/media_declined.json"))
    grab = ("radarr", load_fixture("radarr/grab.json"))
    harness.play(
        [
            ("seerr", load_fixture("jellyseerr/media_auto_approved.json")),
            ("radarr", load_fixture("radarr/movie_added.json")),
            *([declined, grab] if declined_first else [grab, declined]),
        ]
    )
    return harness


@pytest.mark.parametrize("declined_first", [True, False])
def test_declined_but_grabbed_goes_on_with_a_problem(declined_first: bool) -> None:
    """Radarr's grab wins over Seerr's decline; the contradiction is a problem."""
    harness = _declined_after_auto_approval(declined_first=declined_first)

    request = harness.only()
    assert request.state == Stage.GRABBED
    assert not request.finished
    assert request in list(harness.tracker.active())
    assert [(e.kind, e.source) for e in request.timeline if e.kind == "declined"] == [
        ("declined", "seerr")
    ]
    assert request.problems[ProblemKind.DECLINED_BUT_GRABBED].reason == (
        "Seerr says declined, but Radarr has grabbed it"
    )
    raised = [c for u in harness.updates for c in u.problem_changes]
    assert raised == [
        ProblemChange(
            request.id,
            ProblemKind.DECLINED_BUT_GRABBED,
            "Seerr says declined, but Radarr has grabbed it",
        )
    ]


def test_declined_but_imported_says_imported() -> None:
    """Once Radarr imports the movie, the problem says so; it stays until the end."""
    harness = _declined_after_auto_approval(declined_first=False)
    harness.post("radarr", load_fixture("radarr/download.json"))

    request = harness.only()
    assert request.state == Stage.IMPORTING
    assert request.problems[ProblemKind.DECLINED_BUT_GRABBED].reason == (
        "Seerr says declined, but Radarr has imported it"
    )


def test_declined_but_grabbed_show_names_sonarr() -> None:
    """The same for a show: Sonarr's season-pack grab wins over the decline."""
    harness = Harness()
    harness.play(
        [
            ("seerr", load_fixture("jellyseerr/media_auto_approved_tv.json")),
            ("sonarr", load_fixture("sonarr/grab.json")),
            ("seerr", load_fixture("jellyseerr/media_declined_tv.json")),
        ]
    )

    request = harness.only()
    assert request.state == Stage.GRABBED
    assert request.problems[ProblemKind.DECLINED_BUT_GRABBED].reason == (
        "Seerr says declined, but Sonarr has grabbed it"
    )


def test_declined_before_any_grab_ends_without_a_problem() -> None:
    """Added to Radarr but nothing grabbed: the decline ends the request."""
    harness = Harness()
    harness.play(
        [
            ("seerr", load_fixture("jellyseerr/media_auto_approved.json")),
            ("radarr", load_fixture("radarr/movie_added.json")),
            ("seerr", load_fixture("jellyseerr/media_declined.json")),
        ]
    )

    request = harness.only()
    assert request.state == Outcome.DECLINED
    assert request.finished
    assert not request.problems


def test_retry_does_not_clear_a_decline_contradiction() -> None:
    """Only evidence ends the contradiction; clearing problems leaves it."""
    harness = _declined_after_auto_approval(declined_first=False)
    request = harness.only()

    cleared, update = harness.tracker.clear_problems(request.id)

    assert cleared == []
    assert not update.problem_changes
    assert ProblemKind.DECLINED_BUT_GRABBED in request.problems


@pytest.mark.parametrize("declined_first", [True, False])
def test_pending_and_declined_any_order_stays_declined(declined_first: bool) -> None:
    """A late "pending" never revives a declined request."""
    harness = Harness()
    pending = ("seerr", load_fixture("jellyseerr/media_pending.json"))
    declined = ("seerr", load_fixture("jellyseerr/media_declined.json"))
    harness.play([declined, pending] if declined_first else [pending, declined])
    request = harness.only()
    assert request.state == Outcome.DECLINED
    assert request.requested_at is not None


def test_deleted_outcome_wins() -> None:
    """Deletion evidence ends a request whatever else happened."""
    request = _movie_request()
    request.movie.available_at = NOW.isoformat()
    request.deleted_at = NOW.isoformat()
    assert derive_state(request, NOW) == Outcome.DELETED


def test_seerr_available_trusted_only_without_jellyfin() -> None:
    """Seerr's "available" counts only when the tracker is told to trust it."""
    request = _movie_request()
    request.seerr_available_at = NOW.isoformat()
    assert derive_state(request, NOW) == Stage.APPROVED
    assert derive_state(request, NOW, trust_seerr_available=True) == Stage.AVAILABLE

    harness = Harness()
    harness.tracker.trust_seerr_available = True
    harness.play([movie_flow()[1], movie_flow()[-1]])
    assert harness.only().state == Stage.AVAILABLE


def test_base_stage() -> None:
    """Before a grab the stage follows Seerr and the *arr."""
    request = _movie_request()
    request.approved_at = None
    assert base_stage(request) == Stage.REQUESTED
    request.approved_at = NOW.isoformat()
    assert base_stage(request) == Stage.APPROVED
    request.searching_at = NOW.isoformat()
    assert base_stage(request) == Stage.SEARCHING


# ------------------------------------------------------------ import blocked


def _anime_import(number: int) -> dict[str, Any]:
    """Return Sonarr's per-file import of Example Anime S01E0<number>."""
    grab = fixture("sonarr/grab_anime.json")
    body = fixture("sonarr/download.json")
    body["series"] = grab["series"]
    body["episodes"] = [grab["episodes"][number - 1]]
    name = f"Example Anime - S01E0{number} - WEBDL-1080p.mkv"
    body["episodeFile"]["id"] = 2300 + number
    body["episodeFile"]["relativePath"] = f"Season 01/{name}"
    body["episodeFile"]["path"] = (
        f"/data/media/anime/shows/Example Anime (2023)/Season 01/{name}"
    )
    body["downloadId"] = ANIME_HASH.upper()
    return body


def _anime_jellyfin(number: int) -> dict[str, Any]:
    body = fixture("jellyfin/item_added_anime_episode.json")
    if number != 1:
        body["ItemId"] = f"8b9c0d1e2f3a44b5c6d7e8f9a0b1c2d{number}"
        body["EpisodeNumber"] = number
    return body


def test_manual_interaction_sets_import_blocked_until_import() -> None:
    """Sonarr waiting for a human shows as a problem; the import clears it."""
    harness = ListHarness(lists={23: anime_episode_list()})
    harness.post("sonarr", load_fixture("sonarr/grab_anime.json"))
    request = harness.only()

    update = harness.post(
        "sonarr", load_fixture("sonarr/manual_interaction_required.json")
    )

    assert update.changed == [request.id]
    problem = request.problems[ProblemKind.IMPORT_BLOCKED]
    assert problem.reason == BLOCK_REASON
    assert problem.since == NOW.isoformat()
    assert request.state == Stage.GRABBED
    assert request.timeline[-1].kind == "import_blocked"
    assert not harness.post(
        "sonarr", load_fixture("sonarr/manual_interaction_required.json")
    )

    harness.post("sonarr", _anime_import(1))
    assert ProblemKind.IMPORT_BLOCKED not in request.problems


def test_import_before_manual_interaction_means_no_problem() -> None:
    """A block reported after the files were imported is not a problem."""
    harness = ListHarness(lists={23: anime_episode_list()})
    harness.post("sonarr", load_fixture("sonarr/grab_anime.json"))
    harness.post("sonarr", _anime_import(1))

    harness.post("sonarr", load_fixture("sonarr/manual_interaction_required.json"))

    request = harness.only()
    assert request.problems == {}
    assert request.timeline[-1].kind == "import_blocked"


# -------------------------------------------------------------------- anime


def test_anime_waits_in_matching_until_jellyfin() -> None:
    """Anime passes through importing, then matching until Jellyfin shows it."""
    harness = ListHarness(lists={23: anime_episode_list()})
    harness.post("sonarr", load_fixture("sonarr/grab_anime.json"))
    request = harness.only()
    assert request.is_anime
    assert request.seasons == [1]

    harness.post("sonarr", _anime_import(1))
    harness.post("sonarr", _anime_import(2))
    assert request.state == Stage.IMPORTING

    for episode in request.episodes.values():
        episode.matched_at = NOW.isoformat()
    assert derive_state(request, NOW) == Stage.MATCHING
    assert changes(harness.tracker.refresh()) == [("importing", "matching")]

    harness.post("jellyfin", _anime_jellyfin(1))
    assert request.state == Stage.MATCHING
    harness.post("jellyfin", _anime_jellyfin(2))
    assert request.state == Stage.AVAILABLE


def test_anime_all_in_jellyfin_without_episode_list_is_matching() -> None:
    """Without Sonarr's list an anime whose known episodes are in Jellyfin waits."""
    harness = ListHarness(lists=None)
    harness.post("sonarr", load_fixture("sonarr/grab_anime.json"))
    harness.post("jellyfin", _anime_jellyfin(1))
    harness.post("jellyfin", _anime_jellyfin(2))
    assert harness.only().state == Stage.MATCHING


def test_matched_evidence_ignored_for_regular_shows() -> None:
    """A Shoko match means nothing for a show that is not anime."""
    harness = Harness()
    harness.play(tv_flow()[:8])
    request = harness.only()
    for episode in request.episodes.values():
        episode.matched_at = NOW.isoformat()
    assert derive_state(request, NOW) == Stage.IMPORTING


# ------------------------------------------------------------------ updates


def test_tracker_update_merges_and_reports_truth() -> None:
    """An update is truthy exactly when something changed."""
    update = TrackerUpdate()
    assert not update
    other = TrackerUpdate(
        created=["a"],
        changed=["a", "b"],
        stage_changes=[StageChange("a", None, "requested")],
    )
    update.extend(other)
    update.extend(TrackerUpdate(changed=["b"], orphaned=True))
    assert update.changed == ["a", "b"]
    assert update.created == ["a"]
    assert update.orphaned
    assert update
    assert TrackerUpdate(orphaned=True)


def test_flow_timestamps_follow_the_clock() -> None:
    """Each fact keeps the time it was first seen; finishing stamps the end."""
    harness = Harness()
    steps = movie_flow()
    for minutes, step in enumerate(steps):
        harness.now = NOW + timedelta(minutes=minutes)
        harness.post(*step)
    request = harness.only()
    assert request.created_at == NOW.isoformat()
    assert request.movie.grabbed_at == (NOW + timedelta(minutes=3)).isoformat()
    assert request.finished_at == (NOW + timedelta(minutes=5)).isoformat()
    assert request.updated_at == (NOW + timedelta(minutes=6)).isoformat()


# ------------------------------------------------------------------ helpers


def _movie_request() -> Request:
    return Request(
        id="m",
        media_type=MediaType.MOVIE,
        title="Example Movie",
        created_at=NOW.isoformat(),
        approved_at=NOW.isoformat(),
    )


def _tv_request() -> Request:
    return Request(id="t", media_type=MediaType.TV, title="Example Show", created_at="")


def test_request_touched_twice_is_reported_once() -> None:
    """A request changed twice by one event is reported once, still as created."""
    touched = Touched()
    request = _movie_request()
    touched.add(request, created=True)
    touched.add(request)
    assert list(touched.ids) == [request.id]
    assert touched.created == {request.id}
