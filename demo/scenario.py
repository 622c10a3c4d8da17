"""The scripted story: five titles per round go through the simulated stack.

Each title's story is a coroutine that does what the real services would do,
in order, with pauses: Seerr's webhooks, Sonarr/Radarr adding, grabbing and
importing (webhooks, plus the library they answer from), the torrent in
qBittorrent (which then downloads by itself), Shoko's SignalR file events and
Jellyfin adding the item (library + ItemAdded webhook). The integration is not
told anything else: what the dashboard shows is what it worked out.

Pauses are in "story seconds" divided by `pace`, so tests can play the same
story faster. The stalled request waits for real time instead: the
integration raises the stalled problem only after its threshold (minutes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import time
from typing import Any

from demo import payloads
from demo.catalog import Episode, Media, Role, round_media
from demo.simulator import Simulator
from demo.world import Torrent, arr_now, seerr_now

PostWebhook = Callable[[str, dict[str, Any]], Awaitable[None]]
Say = Callable[[str], None]

# Story seconds after the round starts at which each title is requested.
START = {
    Role.MOVIE: 0,
    Role.SHOW: 4,
    Role.ANIME: 8,
    Role.STALLED: 12,
    Role.UNLINKED: 16,
}
# Story seconds each download takes, and its size in bytes.
DOWNLOAD = {
    Role.MOVIE: (60, 8_204_017_664),
    Role.SHOW: (90, 10_737_418_240),
    Role.ANIME: (70, 2_899_102_924),
    Role.STALLED: (40, 6_442_450_944),
    Role.UNLINKED: (45, 1_503_238_554),
}
CATEGORY = {
    False: ("radarr", "/data/torrents/movies"),
    True: ("tv-sonarr", "/data/torrents/tv"),
}
# Story seconds between rounds.
ROUND_PAUSE = 20


class Scenario:
    """Plays rounds of the story against the simulator and Home Assistant."""

    def __init__(
        self,
        simulator: Simulator,
        post: PostWebhook,
        *,
        pace: float = 1.0,
        resolve_after: float | None = 420.0,
        say: Say = lambda line: None,
    ) -> None:
        """Prepare the story.

        Args:
            simulator: the running simulated services.
            post: sends a webhook body to Home Assistant as a service
                ("seerr", "sonarr", "radarr", "jellyfin") would.
            pace: how much faster than the normal story to play (tests).
            resolve_after: real seconds after the stalled download finished
                until the problems are fixed (import, manual Shoko link);
                long enough to see the stalled problem. None: never.
            say: prints one progress line.
        """
        self.simulator = simulator
        self.world = simulator.world
        self.post = post
        self.pace = pace
        self.resolve_after = resolve_after
        self.say = say

    async def run(self, rounds: int | None = None, first: int = 1) -> None:
        """Play rounds one after the other (forever when `rounds` is None)."""
        number = first
        while rounds is None or number < first + rounds:
            await self.play_round(number)
            await self._wait(ROUND_PAUSE)
            number += 1

    async def play_round(self, number: int) -> None:
        """Play one round: every title's story at once, each from its start."""
        media = round_media(number)
        self.say(
            f"==> Round {number}: "
            + ", ".join(f"{m.label} [{m.role}]" for m in media.values())
        )

        async def story(role: Role) -> None:
            await self._wait(START[role])
            await self.play_title(media[role])

        await asyncio.gather(*(story(role) for role in Role))
        self.say(f"==> Round {number} finished")

    async def play_title(self, media: Media) -> None:
        """Play one title's story, from its request to its end."""
        stories = {
            Role.MOVIE: self._movie,
            Role.SHOW: self._show,
            Role.ANIME: self._anime,
            Role.STALLED: self._stalled,
            Role.UNLINKED: self._unlinked,
        }
        await stories[media.role](media)

    # ------------------------------------------------------------- stories

    async def _movie(self, media: Media) -> None:
        await self._request(media)
        await self._download(media)
        await self._import_movie(media)
        await self._available(media)

    async def _show(self, media: Media) -> None:
        await self._request(media)
        await self._download(media)
        for episode in media.episodes:
            await self._import_episode(media, episode)
            await self._wait(4)
        await self._available(media)

    async def _anime(self, media: Media) -> None:
        await self._request(media)
        await self._download(media)
        for episode in media.episodes:
            await self._import_episode(media, episode)
            await self._shoko(media, episode, matched=True)
        await self._available(media)

    async def _stalled(self, media: Media) -> None:
        """Downloads, but Radarr never imports it: the request stalls."""
        await self._request(media)
        await self._download(media)
        self.say(f"    {media.label}: downloaded, not imported: it will stall")
        if self.resolve_after is None:
            return
        await asyncio.sleep(self.resolve_after)
        self.say(f"    {media.label}: Radarr imports it at last")
        await self._import_movie(media)
        await self._available(media)

    async def _unlinked(self, media: Media) -> None:
        """Shoko cannot match an episode: it needs a manual link."""
        await self._request(media)
        await self._download(media)
        for episode in media.episodes:
            await self._import_episode(media, episode)
            await self._shoko(media, episode, matched=False)
        self.say(f"    {media.label}: Shoko could not match it: it needs a link")
        if self.resolve_after is None:
            return
        await asyncio.sleep(self.resolve_after)
        self.say(f"    {media.label}: linked by hand in Shoko")
        for episode in media.episodes:
            await self._send_shoko("FileMatched", media, episode)
        await self._available(media)

    # --------------------------------------------------------------- steps

    def _poster(self, media: Media) -> str:
        return self.simulator.seerr.poster_url(media.title)

    async def _request(self, media: Media) -> None:
        """Requested and approved in Seerr; added to Sonarr/Radarr."""
        poster = self._poster(media)
        self.world.requests[media.seerr_request_id] = payloads.seerr_request(
            media, seerr_now()
        )
        media_type = "tv" if media.is_tv else "movie"
        self.world.titles[f"{media_type}/{media.tmdb_id}"] = payloads.seerr_title(media)
        await self.post("seerr", payloads.seerr("MEDIA_PENDING", media, poster))
        await self._wait(6)
        self._seerr_saved(
            media,
            status=payloads.REQUEST_APPROVED,
            media_status=payloads.MEDIA_PROCESSING,
        )
        await self.post("seerr", payloads.seerr("MEDIA_APPROVED", media, poster))
        await self._wait(6)
        if media.is_tv:
            self.world.series[media.arr_id] = payloads.sonarr_series(
                media, poster, added=arr_now()
            )
            self.world.episodes[media.arr_id] = [
                payloads.sonarr_episode(media, e, has_file=False)
                for e in media.episodes
            ]
            await self.post("sonarr", payloads.sonarr_series_add(media, poster))
        else:
            self.world.movies[media.arr_id] = payloads.radarr_movie(
                media, poster, has_file=False, added=arr_now()
            )
            await self.post("radarr", payloads.radarr_movie_added(media, poster))
        await self._wait(6)

    async def _download(self, media: Media) -> None:
        """Grabbed: the torrent appears in qBittorrent; wait until it finished."""
        seconds, size = DOWNLOAD[media.role]
        category, save_path = CATEGORY[media.is_tv]
        duration = seconds / self.pace
        self.world.torrents[media.torrent_hash] = Torrent(
            hash=media.torrent_hash,
            name=media.release,
            size=size,
            category=category,
            save_path=save_path,
            duration=duration,
            added_on=time.time(),
        )
        poster = self._poster(media)
        if media.is_tv:
            for episode in media.episodes:
                self.world.add_history(
                    "sonarr",
                    payloads.sonarr_history(
                        "grabbed", media, episode, self.world.series[media.arr_id], size
                    ),
                )
            await self.post("sonarr", payloads.sonarr_grab(media, poster, size))
        else:
            self.world.add_history(
                "radarr",
                payloads.radarr_history(
                    "grabbed", media, self.world.movies[media.arr_id], size
                ),
            )
            await self.post("radarr", payloads.radarr_grab(media, poster, size))
        # A little longer than the download, so a poll sees it complete.
        await asyncio.sleep(duration)
        await self._wait(6)

    async def _import_movie(self, media: Media) -> None:
        _, size = DOWNLOAD[media.role]
        poster = self._poster(media)
        movie = self.world.movies[media.arr_id]
        movie["hasFile"] = True
        self.world.add_history(
            "radarr",
            payloads.radarr_history("downloadFolderImported", media, movie, size),
        )
        await self.post("radarr", payloads.radarr_download(media, poster, size))
        await self._wait(6)

    async def _import_episode(self, media: Media, episode: Episode) -> None:
        _, size = DOWNLOAD[media.role]
        self.world.episodes[media.arr_id] = [
            payloads.sonarr_episode(
                media,
                e,
                has_file=e.number <= episode.number,
            )
            for e in media.episodes
        ]
        poster = self._poster(media)
        self.world.add_history(
            "sonarr",
            payloads.sonarr_history(
                "downloadFolderImported",
                media,
                episode,
                self.world.series[media.arr_id],
                size,
            ),
        )
        await self.post(
            "sonarr", payloads.sonarr_download(media, episode, poster, size)
        )
        await self._wait(3)

    async def _shoko(self, media: Media, episode: Episode, *, matched: bool) -> None:
        """Shoko finds, hashes and matches (or fails to match) the file."""
        await self._send_shoko("FileDetected", media, episode)
        await self._wait(3)
        await self._send_shoko("FileHashed", media, episode)
        await self._wait(4)
        await self._send_shoko(
            "FileMatched" if matched else "FileNotMatched", media, episode
        )
        await self._wait(4)

    async def _send_shoko(self, event: str, media: Media, episode: Episode) -> None:
        await self.simulator.shoko.broadcast(
            payloads.shoko_file_event(event, media, episode)
        )

    async def _available(self, media: Media) -> None:
        """Jellyfin adds it (library + webhook); Seerr says it is available."""
        if media.is_tv:
            self.world.add_item(payloads.jellyfin_series(media))
            for episode in media.episodes:
                self.world.add_item(payloads.jellyfin_episode(media, episode))
                await self.post(
                    "jellyfin", payloads.jellyfin_item_added(media, episode)
                )
                await self._wait(2)
        else:
            self.world.add_item(payloads.jellyfin_movie(media))
            await self.post("jellyfin", payloads.jellyfin_item_added(media, None))
        await self._wait(5)
        self._seerr_saved(
            media,
            status=payloads.REQUEST_COMPLETED,
            media_status=payloads.MEDIA_AVAILABLE,
        )
        await self.post(
            "seerr", payloads.seerr("MEDIA_AVAILABLE", media, self._poster(media))
        )
        self.say(f"    {media.label}: available")

    def _seerr_saved(self, media: Media, *, status: int, media_status: int) -> None:
        """Seerr saves the request's new status before it sends the webhook."""
        payloads.seerr_request_saved(
            self.world.requests[media.seerr_request_id],
            seerr_now(),
            status=status,
            media_status=media_status,
        )

    async def _wait(self, story_seconds: float) -> None:
        await asyncio.sleep(story_seconds / self.pace)
