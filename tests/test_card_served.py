"""The card is served from a static path and registered with the frontend."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.components.lovelace.const import LOVELACE_DATA
from homeassistant.components.lovelace.resources import ResourceStorageCollection
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest

from custom_components.status_tracker import card
from custom_components.status_tracker.const import DOMAIN
from custom_components.status_tracker.core.lifecycle import download_rate
from custom_components.status_tracker.core.model import Download, Request
from custom_components.status_tracker.core.observations import MediaType

CARD = card.CARD_FILE
VERSIONED = f"{card.CARD_URL}?v={card.card_version(CARD.read_bytes())}"


def _resources(hass: HomeAssistant) -> ResourceStorageCollection:
    resources = hass.data[LOVELACE_DATA].resources
    assert isinstance(resources, ResourceStorageCollection)
    return resources


async def _setup(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()


def test_built_card_is_shipped() -> None:
    """The bundle is in the package and registers the card and its picker entry."""
    text = CARD.read_text(encoding="utf-8")
    assert "status-tracker-card" in text
    assert "customCards" in text
    assert "status-tracker-card-editor" in text


def test_version_is_a_content_hash() -> None:
    """Different content gives a different URL; the same content the same."""
    assert card.card_version(b"a") == card.card_version(b"a")
    assert card.card_version(b"a") != card.card_version(b"b")
    assert VERSIONED.startswith("/status_tracker/status-tracker-card.js?v=")


async def test_storage_mode_adds_the_resource_once(hass: HomeAssistant) -> None:
    """Storage mode: one module resource with the versioned URL, even on re-setup."""
    assert await async_setup_component(hass, "lovelace", {})
    await _setup(hass)

    items = _resources(hass).async_items()
    assert [(i["url"], i["type"]) for i in items] == [(VERSIONED, "module")]

    # Registering again (a second start) neither duplicates nor changes it.
    await card.async_register_card(hass, VERSIONED)
    assert [i["url"] for i in _resources(hass).async_items()] == [VERSIONED]


async def test_storage_mode_updates_an_old_version(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """An upgrade rewrites the card's resource URL and drops duplicates."""
    other = {"id": "other", "type": "module", "url": "/local/other-card.js"}
    hass_storage["lovelace_resources"] = {
        "version": 1,
        "minor_version": 1,
        "key": "lovelace_resources",
        "data": {
            "items": [
                {"id": "old", "type": "module", "url": f"{card.CARD_URL}?v=0.0.1"},
                other,
                {"id": "dup", "type": "module", "url": card.CARD_URL},
            ]
        },
    }
    assert await async_setup_component(hass, "lovelace", {})
    await _setup(hass)

    items = _resources(hass).async_items()
    assert sorted((i["id"], i["url"]) for i in items) == [
        ("old", VERSIONED),
        ("other", "/local/other-card.js"),
    ]


async def test_yaml_mode_loads_an_extra_module(hass: HomeAssistant) -> None:
    """YAML mode leaves the user's resources alone and adds an extra module URL."""
    assert await async_setup_component(hass, "lovelace", {"lovelace": {"mode": "yaml"}})
    # The real frontend would start the HTTP server; its registry is enough here.
    hass.config.components.add("frontend")
    with patch.object(card, "add_extra_js_url") as add_extra_js_url:
        await _setup(hass)

    add_extra_js_url.assert_called_once_with(hass, VERSIONED)
    assert hass.data[LOVELACE_DATA].resources.async_items() == []


async def test_without_lovelace_nothing_breaks(hass: HomeAssistant) -> None:
    """Without lovelace and frontend the card is only served."""
    await _setup(hass)
    assert hass.data[card.DATA_CARD_URL] == VERSIONED
    assert "lovelace" not in hass.config.components


async def test_static_path_serves_the_card(
    hass: HomeAssistant, hass_client_no_auth: Any
) -> None:
    """GET of the versioned URL answers the built file."""
    await _setup(hass)
    client = await hass_client_no_auth()
    response = await client.get(VERSIONED)
    assert response.status == 200
    assert "javascript" in response.headers["Content-Type"]
    assert await response.read() == CARD.read_bytes()


async def test_missing_bundle_only_warns(
    hass: HomeAssistant, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A checkout without a built card still sets up, and says how to build it."""
    with patch.object(card, "CARD_FILE", tmp_path / "missing.js"):
        await _setup(hass)
    assert "script/build_card" in caplog.text
    assert card.DATA_CARD_URL not in hass.data


def test_download_rate_for_the_card() -> None:
    """Speed adds up over running downloads; ETA is the longest; done ones do not count."""
    request = Request(
        id="req1", media_type=MediaType.TV, title="Show", created_at="2026-01-01"
    )
    assert download_rate(request) == (None, None)
    request.downloads["a"] = Download(
        progress=0.5, state="downloading", speed=1000, eta=60
    )
    request.downloads["b"] = Download(
        progress=0.2, state="downloading", speed=500, eta=600
    )
    request.downloads["c"] = Download(progress=1.0, state="uploading", speed=0, eta=0)
    assert download_rate(request) == (1500, 600)
    request.downloads["b"].eta = None
    assert download_rate(request) == (1500, 60)
