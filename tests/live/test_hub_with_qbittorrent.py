"""The whole path against a real qbittorrent-nox: webhook grab -> poll -> sensor.

Radarr and Sonarr grabs arrive through the real webhook URLs; the hub then polls
the live qBittorrent through its coordinator. The movie's torrent is complete
when added (its data is in place), the show's has no peers: the movie must reach
`downloaded` without any import webhook, the show `downloading`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from unittest.mock import patch

import aiohttp
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from yarl import URL

from custom_components.status_tracker.api import QBittorrentClient
from custom_components.status_tracker.const import DOMAIN
from tests.conftest import WEBHOOK_IDS, subentry_data
from tests.flows import load_fixture

from .qbittorrent_nox import (
    DEADLINE,
    PASSWORD,
    PIECE_LENGTH,
    SKIP_WITHOUT_BINARY,
    USERNAME,
    QBittorrentNox,
    add_torrent,
    file_content,
    free_port,
    make_torrent,
)

pytestmark = [pytest.mark.live, SKIP_WITHOUT_BINARY]

QBT_ID = "live_qbittorrent"
MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
SHOW_SENSOR = "sensor.media_stack_example_show_s1"


def _arr_subentry(service: str, port: int) -> dict[str, Any]:
    """A Sonarr/Radarr subentry whose API is not running (only webhooks matter)."""
    data = subentry_data(service)
    data["data"] = {**data["data"], "url": f"http://127.0.0.1:{port}"}
    data["unique_id"] = data["data"]["url"]
    return data


async def _wait_for(
    hass: HomeAssistant, entry: MockConfigEntry, entity_id: str, state: str
) -> None:
    """Poll the live client through the coordinator until the sensor shows state."""
    coordinator = entry.runtime_data.coordinators[QBT_ID]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while (current := hass.states.get(entity_id).state) != state:
        if loop.time() > deadline:
            pytest.fail(f"{entity_id} stayed {current}, expected {state}")
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        # qBittorrent checks the added data on its own threads: give it a moment.
        await asyncio.sleep(0.25)


async def test_grab_then_live_download_states(
    hass: HomeAssistant,
    enable_custom_integrations: None,
    qbittorrent_nox: QBittorrentNox,
    hass_client_no_auth: Any,
    tmp_path: Path,
) -> None:
    """Progress from the real client drives the request sensors."""
    seeding = tmp_path / "seeding"
    seeding.mkdir()
    empty = tmp_path / "empty"
    empty.mkdir()
    movie_data = file_content("movie", 3 * PIECE_LENGTH + 7)
    (seeding / "Example.Movie.mkv").write_bytes(movie_data)
    movie = make_torrent("Example.Movie.mkv", movie_data)
    show = make_torrent("Example.Show.S01.mkv", file_content("show", PIECE_LENGTH))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        adder = QBittorrentClient(
            http, qbittorrent_nox.url, username=USERNAME, password=PASSWORD
        )
        await adder.async_login()
        await add_torrent(http, adder, movie, seeding)
        await add_torrent(http, adder, show, empty)

    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Media stack",
        unique_id="media_stack",
        data={"name": "Media stack"},
        subentries_data=[
            _arr_subentry("radarr", free_port()),
            _arr_subentry("sonarr", free_port()),
            {
                "data": {
                    "url": qbittorrent_nox.url,
                    "username": USERNAME,
                    "password": PASSWORD,
                    "verify_ssl": True,
                },
                "subentry_id": QBT_ID,
                "subentry_type": "qbittorrent",
                "title": "qBittorrent",
                "unique_id": qbittorrent_nox.url,
            },
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    client = await hass_client_no_auth()
    movie_grab = load_fixture("radarr/grab.json")
    movie_grab["downloadId"] = movie.info_hash.upper()
    show_grab = load_fixture("sonarr/grab.json")
    show_grab["downloadId"] = show.info_hash.upper()
    for service, body in (("radarr", movie_grab), ("sonarr", show_grab)):
        response = await client.post(f"/api/webhook/{WEBHOOK_IDS[service]}", json=body)
        assert response.status == 200
    await hass.async_block_till_done()
    assert hass.states.get(MOVIE_SENSOR).state == "grabbed"

    await _wait_for(hass, entry, MOVIE_SENSOR, "downloaded")
    await _wait_for(hass, entry, SHOW_SENSOR, "downloading")
    movie_state = hass.states.get(MOVIE_SENSOR)
    assert movie_state.attributes["progress"] == 100.0
    show_state = hass.states.get(SHOW_SENSOR)
    assert show_state.attributes["progress"] == 0.0
    assert show_state.attributes["eta"] is None  # no peers: qBittorrent's 8640000
    assert show_state.attributes["episodes_summary"] == "0/3 available · 3 downloading"
    tracker = entry.runtime_data.tracker
    request = next(r for r in tracker.requests.values() if r.title == "Example Movie")
    assert [e.kind for e in request.timeline] == ["grabbed", "downloaded"]
    assert request.timeline[-1].source == "qbittorrent"

    await hass.config_entries.async_unload(entry.entry_id)


async def test_add_through_the_flow_by_host_name(
    hass: HomeAssistant,
    enable_custom_integrations: None,
    qbittorrent_nox: QBittorrentNox,
) -> None:
    """The config flow checks a real qBittorrent reached by host name.

    Home Assistant's shared session keeps cookies for host names, here one of
    another service on the same host: the check must not send the session id
    rebuilt and quoted from that jar, nor leave the session id in it.
    """
    url = qbittorrent_nox.url.replace("127.0.0.1", "localhost")
    # The test plugin's resolver belongs to its session-wide event loop.
    resolver = aiohttp.ThreadedResolver()
    resolver.real_close = resolver.close  # type: ignore[attr-defined]
    with patch(
        "homeassistant.helpers.aiohttp_client._async_make_resolver",
        return_value=resolver,
    ):
        shared = async_get_clientsession(hass)
    shared.cookie_jar.update_cookies({"proxy_session": "p/1+="}, URL(url))
    entry = MockConfigEntry(
        domain=DOMAIN, title="Media stack", data={"name": "Media stack"}
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "qbittorrent"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "url": url,
            "username": USERNAME,
            "password": PASSWORD,
            "verify_ssl": True,
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    assert [c.key for c in shared.cookie_jar] == ["proxy_session"]
    # The new service reloads the hub: let that finish (a first poll of the
    # real qBittorrent), then stop polling before the fixture stops it.
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(entry.entry_id)
