"""Websocket commands of the card: list, get, subscribe, deletion log."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from syrupy.assertion import SnapshotAssertion

from .conftest import PostWebhook
from .flows import load_fixture, movie_flow, tv_flow

pytestmark = pytest.mark.usefixtures("init_integration")


async def _replay(post_webhook: PostWebhook) -> None:
    """A finished movie and a show still downloading."""
    for step in movie_flow():
        await post_webhook(*step)
    for step in tv_flow()[:4]:
        await post_webhook(*step)


@pytest.mark.freeze_time("2026-01-10 12:00:00+00:00")
async def test_list_and_get(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
    post_webhook: PostWebhook,
    snapshot: SnapshotAssertion,
) -> None:
    """Any user lists requests by status and gets one with its timeline."""
    await _replay(post_webhook)
    client = await hass_ws_client(hass, hass_read_only_access_token)

    await client.send_json_auto_id({"type": "status_tracker/requests/list"})
    active = await client.receive_json()
    assert active["success"]
    assert [r["title"] for r in active["result"]["requests"]] == ["Example Show"]
    assert "timeline" not in active["result"]["requests"][0]

    await client.send_json_auto_id(
        {"type": "status_tracker/requests/list", "status": "all", "limit": 1}
    )
    first = (await client.receive_json())["result"]
    assert first["total"] == 2
    assert len(first["requests"]) == 1

    await client.send_json_auto_id(
        {"type": "status_tracker/requests/list", "status": "finished", "details": True}
    )
    finished = (await client.receive_json())["result"]["requests"]
    assert [r["state"] for r in finished] == ["available"]
    assert finished[0]["jellyfin_url"].startswith("https://watch.example.com/web/")
    assert finished[0]["timeline"]

    await client.send_json_auto_id(
        {"type": "status_tracker/requests/get", "request_id": "req000002"}
    )
    show = (await client.receive_json())["result"]
    assert show == snapshot
    assert [e["episode"] for e in show["episodes"]] == [1, 2, 3]

    await client.send_json_auto_id(
        {"type": "status_tracker/requests/get", "request_id": "nope"}
    )
    missing = await client.receive_json()
    assert not missing["success"]
    assert missing["error"]["code"] == "not_found"


async def test_bad_filters_refused(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    """Unknown stages and oversized pages are invalid."""
    client = await hass_ws_client(hass)
    for bad in ({"stages": ["nowhere"]}, {"limit": 501}, {"status": "maybe"}):
        await client.send_json_auto_id({"type": "status_tracker/requests/list", **bad})
        answer = await client.receive_json()
        assert not answer["success"]
        assert answer["error"]["code"] == "invalid_format"


async def test_subscription_pushes_only_what_changed(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    post_webhook: PostWebhook,
) -> None:
    """Initial list, then one message per change, and removals."""
    for step in movie_flow()[:2]:
        await post_webhook(*step)
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "status_tracker/requests/subscribe"})
    assert (await client.receive_json())["success"]
    initial = (await client.receive_json())["event"]
    assert initial["initial"] is True
    assert [(r["title"], r["state"]) for r in initial["requests"]] == [
        ("Example Movie", "approved")
    ]

    await post_webhook(*tv_flow()[0])
    event = (await client.receive_json())["event"]
    assert [(r["title"], r["state"]) for r in event["changed"]] == [
        ("Example Show", "requested")
    ]

    await post_webhook(*movie_flow()[2])
    event = (await client.receive_json())["event"]
    assert [r["title"] for r in event["changed"]] == ["Example Movie"]

    # Deleted in Radarr: the request's entity goes, and so does its card row.
    await post_webhook("radarr", load_fixture("radarr/movie_delete.json"))
    # A deleted request is no longer listed: only its removal is sent.
    assert (await client.receive_json())["event"] == {"removed": ["req000001"]}

    # Unsubscribing stops the messages.
    await client.send_json_auto_id({"type": "unsubscribe_events", "subscription": 1})
    assert (await client.receive_json())["success"]


async def test_deletion_log(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    post_webhook: PostWebhook,
) -> None:
    """Deletions noticed in a service are listed, newest first."""
    await _replay(post_webhook)
    await post_webhook("radarr", load_fixture("radarr/movie_delete.json"))
    client = await hass_ws_client(hass)

    await client.send_json_auto_id({"type": "status_tracker/deletion_log"})
    log = (await client.receive_json())["result"]
    assert log["total"] == 1
    assert log["entries"][0]["source"] == "radarr"
    assert log["entries"][0]["title"] == "Example Movie"

    await client.send_json_auto_id(
        {"type": "status_tracker/deletion_log", "request_id": "req000002"}
    )
    assert (await client.receive_json())["result"]["total"] == 0


async def test_hub_selection(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    init_integration: MockConfigEntry,
) -> None:
    """With two hubs the command must name one; an unknown hub is not found."""
    other = MockConfigEntry(domain="status_tracker", title="Other", unique_id="other")
    other.add_to_hass(hass)
    assert await hass.config_entries.async_setup(other.entry_id)
    await hass.async_block_till_done()
    client = await hass_ws_client(hass)

    await client.send_json_auto_id({"type": "status_tracker/requests/list"})
    assert (await client.receive_json())["error"]["code"] == "not_found"
    await client.send_json_auto_id(
        {"type": "status_tracker/requests/list", "config_entry_id": other.entry_id}
    )
    assert (await client.receive_json())["result"]["total"] == 0
    await client.send_json_auto_id(
        {"type": "status_tracker/deletion_log", "config_entry_id": "unknown"}
    )
    assert (await client.receive_json())["error"]["code"] == "not_found"
