"""QBittorrentClient and MaindataMerger against a real qbittorrent-nox.

The fixture starts qbittorrent-nox on 127.0.0.1 with a free port and a throw-away
profile (WebUI credentials, legal notice accepted, DHT/PeX/LSD/UPnP off, BitTorrent
bound to the loopback interface, so nothing leaves the machine). The test builds two
small single-file torrents from files it writes itself, adds one where its data
already is (qBittorrent checks it: complete) and one into an empty directory
(incomplete, no peers), then polls sync/maindata through the real client and merger.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import logging
from pathlib import Path
import time
from typing import Any

import aiohttp
import pytest

from custom_components.status_tracker.api import Banned, InvalidAuth, QBittorrentClient
from custom_components.status_tracker.core.observations import (
    QBITTORRENT_UNKNOWN_ETA,
    TORRENT_COMPLETE_STATES,
    TORRENT_ERROR_STATES,
    TorrentState,
    is_torrent_complete,
)
from custom_components.status_tracker.parsers.qbittorrent import MaindataMerger

from .qbittorrent_nox import (
    DEADLINE,
    PASSWORD,
    PIECE_LENGTH,
    SKIP_WITHOUT_BINARY,
    USERNAME,
    QBittorrentNox,
    add_torrent,
    bencode,
    file_content,
    make_torrent,
)

_LOGGER = logging.getLogger(__name__)

pytestmark = [pytest.mark.live, SKIP_WITHOUT_BINARY]

WRONG_PASSWORD = "not-the-Passw0rd-42"
POLL_INTERVAL = 0.25
INSTANCE = "live-qbittorrent"
# Running, incomplete states of a torrent without peers (qBittorrent 4.x and 5.x).
WAITING_STATES = frozenset({"stalledDL", "queuedDL", "downloading", "forcedDL"})


def _complete(state: TorrentState) -> bool:
    return is_torrent_complete(state.progress, state.state)


def test_bencode() -> None:
    """Known encodings (BEP 3), so the info-hash below is computed correctly."""
    assert bencode(3) == b"i3e"
    assert bencode(-3) == b"i-3e"
    assert bencode("spam") == b"4:spam"
    assert bencode(["spam", 42]) == b"l4:spami42ee"
    assert bencode({"spam": ["a", "b"], "cow": "moo"}) == (
        b"d3:cow3:moo4:spaml1:a1:bee"
    )
    with pytest.raises(TypeError):
        bencode(True)


@dataclass
class Poller:
    """Polls sync/maindata through the client and merges every answer."""

    client: QBittorrentClient
    merger: MaindataMerger
    answers: list[dict[str, Any]]

    async def poll(self) -> None:
        rid = self.merger.rid
        answer = await self.client.async_get_maindata(rid)
        self.merger.apply(answer, INSTANCE)
        self.answers.append(answer)

    async def until(self, condition: Any, what: str) -> float:
        """Poll until condition(torrents) holds; return the seconds it took."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        while True:
            await self.poll()
            if condition(self.merger.torrents):
                return loop.time() - started
            if loop.time() - started > DEADLINE:
                pytest.fail(f"timed out waiting for {what}: {self.merger.torrents}")
            await asyncio.sleep(POLL_INTERVAL)


def raw_torrent(answers: list[dict[str, Any]], info_hash: str) -> dict[str, Any]:
    """Return the first complete torrent object qBittorrent sent for a hash."""
    for answer in answers:
        fields = answer.get("torrents", {}).get(info_hash)
        if fields and "name" in fields:
            return dict(fields)
    raise AssertionError(f"{info_hash} never sent in full")


async def test_qbittorrent_nox(qbittorrent_nox: QBittorrentNox) -> None:
    root = qbittorrent_nox.root
    seeding_dir = root / "seeding"
    seeding_dir.mkdir()
    empty_dir = root / "empty"
    empty_dir.mkdir()
    scratch_dir = root / "scratch"
    scratch_dir.mkdir()

    # The complete torrent's data sits in its save path; the incomplete one's
    # exists only where the test built the torrent, never in its save path.
    complete_content = file_content("complete", 3 * PIECE_LENGTH + 1234)
    (seeding_dir / "Complete.Sample.bin").write_bytes(complete_content)
    complete = make_torrent("Complete.Sample.bin", complete_content)
    incomplete_content = file_content("incomplete", 2 * PIECE_LENGTH + 99)
    (scratch_dir / "Incomplete.Sample.bin").write_bytes(incomplete_content)
    incomplete = make_torrent("Incomplete.Sample.bin", incomplete_content)
    assert complete.info_hash != incomplete.info_hash

    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        # A wrong password: one failed attempt only (5 would ban 127.0.0.1).
        wrong = QBittorrentClient(
            http, qbittorrent_nox.url, username=USERNAME, password=WRONG_PASSWORD
        )
        with pytest.raises(InvalidAuth) as exc_info:
            await wrong.async_login()
        assert not isinstance(exc_info.value, Banned)
        assert WRONG_PASSWORD not in str(exc_info.value)

        client = QBittorrentClient(
            http, qbittorrent_nox.url, username=USERNAME, password=PASSWORD
        )
        version = await client.async_validate()
        assert version.app_version.startswith(("v4.", "v5."))
        assert version.api_version.startswith("2.")
        assert client.login_count == 1
        _LOGGER.info(
            "qbittorrent-nox %s (WebAPI %s) ready after %.2f s",
            version.app_version,
            version.api_version,
            qbittorrent_nox.startup_seconds,
        )

        await add_torrent(http, client, complete, seeding_dir)
        await add_torrent(http, client, incomplete, empty_dir)

        poller = Poller(client, MaindataMerger(), [])

        def settled(torrents: dict[str, TorrentState]) -> bool:
            done = torrents.get(complete.info_hash)
            waiting = torrents.get(incomplete.info_hash)
            return (
                done is not None
                and done.state in TORRENT_COMPLETE_STATES
                and waiting is not None
                and waiting.state in WAITING_STATES
                and len(poller.answers) >= 2
            )

        seconds = await poller.until(settled, "both torrents to settle")
        states = poller.merger.torrents
        _LOGGER.info(
            "Torrents settled after %.2f s and %d polls: %s",
            seconds,
            len(poller.answers),
            {state.name: state.state for state in states.values()},
        )

        # rid: a full update first, then deltas with increasing ids.
        answers = poller.answers
        assert answers[0]["full_update"] is True
        assert all("full_update" not in answer for answer in answers[1:])
        rids = [answer["rid"] for answer in answers]
        _LOGGER.info("rids %s, full_update only in the first answer", rids)
        assert rids == sorted(set(rids))
        assert poller.merger.rid == rids[-1]

        # Hashes are the lower-case v1 info-hashes computed here.
        assert set(states) == {complete.info_hash, incomplete.info_hash}

        done = states[complete.info_hash]
        assert done.name == complete.name
        assert done.progress == 1.0
        assert _complete(done)
        assert done.size == complete.size
        assert done.amount_left == 0
        assert done.completion_on is not None
        assert abs(done.completion_on - time.time()) < 3600
        assert done.state not in TORRENT_ERROR_STATES
        assert Path(done.save_path or "") == seeding_dir
        assert (done.content_path or "").endswith(complete.name)
        assert done.category is None

        waiting = states[incomplete.info_hash]
        assert waiting.name == incomplete.name
        assert waiting.progress == 0.0
        assert not _complete(waiting)
        assert waiting.state in WAITING_STATES
        assert waiting.eta is None
        assert raw_torrent(answers, incomplete.info_hash)["eta"] == (
            QBITTORRENT_UNKNOWN_ETA
        )
        assert waiting.completion_on is None
        assert waiting.size == incomplete.size
        assert waiting.amount_left == incomplete.size
        assert waiting.download_speed == 0
        assert Path(waiting.save_path or "") == empty_dir

        # One more poll is a delta relative to the last rid.
        last_rid = poller.merger.rid
        await poller.poll()
        assert "full_update" not in poller.answers[-1]
        assert poller.merger.rid > last_rid

        # Session expiry, server side: log the session out behind the client's back.
        async with http.post(
            f"{client.base_url}/api/v2/auth/logout", headers=client._auth_headers()
        ) as response:
            assert 200 <= response.status < 300
        answer = await client.async_get_maindata(poller.merger.rid)
        assert client.login_count == 2
        # A new WebUI session has a new sync baseline: the old rid gets a full update.
        assert answer["full_update"] is True
        snapshot = poller.merger.apply(answer, INSTANCE)
        assert snapshot.full
        assert {state.hash for state in snapshot.torrents} == set(states)
        assert snapshot.removed == ()

        # Session expiry, client side: a cookie the server does not know.
        assert client._cookie is not None
        client._cookie = (client._cookie[0], "bogus0session0cookie0value00000")
        answer = await client.async_get_maindata(poller.merger.rid)
        assert client.login_count == 3
        assert poller.merger.apply(answer, INSTANCE).full
        assert set(poller.merger.torrents) == set(states)
