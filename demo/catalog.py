"""The invented media of one demo round, with every id the services share.

Each round requests five titles, one per role. Ids (Seerr request, TMDB/TVDB,
Sonarr/Radarr, torrent hash, Jellyfin item, Shoko file) are derived from the
round number, so a new round never reuses an id of an earlier one: the
integration sees new requests, exactly as if someone asked for new media.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
import hashlib

ANIME_SHOWS_FOLDER = "/data/media/anime/shows"
SHOKO_IMPORT_FOLDER_ID = 2


class Role(StrEnum):
    """What happens to a title in the story."""

    MOVIE = "movie"  # requested, downloaded, imported, available
    SHOW = "show"  # a TV season, episode by episode
    ANIME = "anime"  # an anime season, matched by Shoko
    STALLED = "stalled"  # downloaded but never imported: stalls
    UNLINKED = "unlinked"  # an anime episode Shoko cannot match: needs a link


# Per role: (title, year, episode titles; empty for a movie).
TITLES: dict[Role, list[tuple[str, int, tuple[str, ...]]]] = {
    Role.MOVIE: [
        ("Paper Satellites", 2021, ()),
        ("The Lighthouse Keeper's Map", 2019, ()),
        ("A Quiet Harbor", 2017, ()),
    ],
    Role.SHOW: [
        ("Northbound Line", 2020, ("Departure", "Signal Failure", "Last Stop")),
        ("The Orchard Files", 2018, ("Windfall", "Grafting", "First Frost")),
    ],
    Role.ANIME: [
        ("Starfall Academy", 2023, ("Entrance Exam", "The Comet Club")),
        ("Lantern Spirits", 2022, ("Festival Night", "The Paper Fox")),
    ],
    Role.STALLED: [
        ("Midnight Cartographer", 2016, ()),
        ("Glass Meridian", 2015, ()),
    ],
    Role.UNLINKED: [
        ("Clockwork Garden", 2024, ("Wind-Up",)),
        ("Moonlit Bakery", 2021, ("Night Shift",)),
    ],
}
# Index of each role in a round, for ids.
_ROLE_INDEX = {role: index for index, role in enumerate(Role)}


def _hex(seed: str, length: int) -> str:
    """Return stable hex digits for an id (a torrent hash, a Jellyfin GUID)."""
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


@dataclass(frozen=True, slots=True)
class Episode:
    """One episode of a requested season."""

    number: int
    title: str
    arr_id: int  # Sonarr episode id
    tvdb_id: int  # the episode's own TVDB id
    jellyfin_id: str
    file_id: int  # Sonarr episode file id; Shoko file id for anime
    path: str  # where Sonarr imports it

    @property
    def season(self) -> int:
        """Return the season number (the demo requests season 1)."""
        return 1

    @property
    def code(self) -> str:
        """Return "S01E02"."""
        return f"S{self.season:02d}E{self.number:02d}"


@dataclass(frozen=True, slots=True)
class Media:
    """One requested title and the ids every service knows it by."""

    role: Role
    round: int
    title: str
    year: int
    seerr_request_id: int
    tmdb_id: int
    tvdb_id: int | None
    imdb_id: str
    arr_id: int  # Radarr movie id or Sonarr series id
    torrent_hash: str  # lower-case, as qBittorrent reports it
    jellyfin_id: str  # the movie, or the series
    episodes: tuple[Episode, ...]

    @property
    def is_tv(self) -> bool:
        """Return True for a season request (Sonarr), False for a movie (Radarr)."""
        return bool(self.episodes)

    @property
    def is_anime(self) -> bool:
        """Return True when Shoko handles the files."""
        return self.role in (Role.ANIME, Role.UNLINKED)

    @property
    def label(self) -> str:
        """Return "Title (year)", as Seerr writes it."""
        return f"{self.title} ({self.year})"

    @property
    def folder(self) -> str:
        """Return the library folder Sonarr/Radarr keep it in."""
        if self.is_anime:
            return f"{ANIME_SHOWS_FOLDER}/{self.label}"
        return f"/data/media/{'tv' if self.is_tv else 'movies'}/{self.label}"

    @property
    def movie_path(self) -> str:
        """Return the imported movie file."""
        return f"{self.folder}/{self.label} Bluray-1080p.mkv"

    @property
    def release(self) -> str:
        """Return the release (torrent) name."""
        dotted = "".join(c for c in self.title if c.isalnum() or c == " ")
        dotted = dotted.replace(" ", ".")
        if self.is_anime:
            return f"[DemoSubs] {self.title} - S01 (1080p WEB HEVC) [Batch]"
        if self.is_tv:
            return f"{dotted}.S01.1080p.WEB-DL.DDP5.1.H.264-DEMO"
        return f"{dotted}.{self.year}.1080p.BluRay.x264-DEMO"

    @property
    def shoko_series_id(self) -> int:
        """Return the Shoko series id of an anime."""
        return 400 + 10 * self.round + _ROLE_INDEX[self.role]

    @property
    def anidb_id(self) -> int:
        """Return the AniDB anime id of an anime."""
        return 17000 + 10 * self.round + _ROLE_INDEX[self.role]

    def relative_path(self, episode: Episode) -> str:
        """Return an anime file's path below Shoko's import folder."""
        return episode.path.removeprefix(f"{ANIME_SHOWS_FOLDER}/")


def media_for(role: Role, round_number: int) -> Media:
    """Return the title a role gets in a round (titles repeat, ids never do)."""
    choices = TITLES[role]
    title, year, episode_titles = choices[(round_number - 1) % len(choices)]
    index = _ROLE_INDEX[role]
    number = 100 * round_number + index  # unique per round and role
    seed = f"status-tracker-demo/{round_number}/{role}"
    is_tv = bool(episode_titles)
    media = Media(
        role=role,
        round=round_number,
        title=title,
        year=year,
        seerr_request_id=1000 + number,
        tmdb_id=900_000 + number,
        tvdb_id=800_000 + number if is_tv else None,
        imdb_id=f"tt9{number:06d}",
        arr_id=number,
        torrent_hash=_hex(f"{seed}/torrent", 40),
        jellyfin_id=_hex(f"{seed}/item", 32),
        episodes=(),
    )
    episodes = tuple(
        Episode(
            number=n,
            title=name,
            arr_id=number * 100 + n,
            tvdb_id=(800_000 + number) * 100 + n,
            jellyfin_id=_hex(f"{seed}/episode/{n}", 32),
            file_id=number * 100 + n,
            path=(
                f"{media.folder}/Season 01/"
                f"{title} - S01E{n:02d} - {name} WEBDL-1080p.mkv"
            ),
        )
        for n, name in enumerate(episode_titles, start=1)
    )
    return replace(media, episodes=episodes)


def round_media(round_number: int) -> dict[Role, Media]:
    """Return the five titles of a round."""
    return {role: media_for(role, round_number) for role in Role}
