"""The webhook journal: an answered webhook is on disk before its 200."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
import json
import logging
from pathlib import Path
import threading
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.status_tracker import webhook as webhook_module
from custom_components.status_tracker.const import DOMAIN
from custom_components.status_tracker.journal import JournalEntry, WebhookJournal
from custom_components.status_tracker.maintenance import MAINTENANCE_INTERVAL

from .conftest import ENTRY_ID, WEBHOOK_IDS, PostWebhook
from .flows import movie_flow

MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
STORAGE_KEY = f"{DOMAIN}.{ENTRY_ID}"
ARRIVED = datetime(2026, 1, 10, 11, 58, tzinfo=UTC)


def journal_file(journal_dir: Path) -> Path:
    """Return the hub's journal file in the test's folder."""
    return journal_dir / f"status_tracker.{ENTRY_ID}.journal"


def journal_lines(journal_dir: Path) -> list[dict[str, Any]]:
    """Return the journal's entries as written."""
    text = journal_file(journal_dir).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def subentry_id(entry: MockConfigEntry, service: str) -> str:
    """Return the id of the hub's subentry for `service`."""
    return next(
        subentry.subentry_id
        for subentry in entry.subentries.values()
        if subentry.subentry_type == service
    )


def write_journal(path: Path, entries: list[JournalEntry], *, cut: str = "") -> None:
    """Write a journal as a killed Home Assistant leaves it (`cut`: a torn line)."""
    path.write_text("".join(e.line() for e in entries) + cut, encoding="utf-8")


def seerr_request() -> dict[str, Any]:
    """Return Seerr's "request pending" webhook of the movie flow."""
    service, body = movie_flow()[0]
    assert service == "seerr"
    return body


@pytest.mark.usefixtures("init_integration")
async def test_answered_webhook_is_on_disk_with_its_arrival(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    post_webhook: PostWebhook,
    journal_dir: Path,
    freezer: FrozenDateTimeFactory,
) -> None:
    """When the 200 goes out, the body is in the journal with when it came."""
    freezer.move_to(ARRIVED)
    body = seerr_request()
    response = await post_webhook("seerr", body)
    assert response.status == HTTPStatus.OK

    (line,) = journal_lines(journal_dir)
    assert line == {
        "seq": 1,
        "at": ARRIVED.isoformat(),
        "instance": subentry_id(mock_config_entry, "seerr"),
        "body": body,
    }


@pytest.mark.usefixtures("init_integration")
async def test_refused_and_ignored_webhooks_are_not_journaled(
    hass: HomeAssistant, post_webhook: PostWebhook, journal_dir: Path
) -> None:
    """Only what changes requests is kept: bad bodies and test pings are not."""
    assert (await post_webhook("seerr", {"nonsense": 1})).status == (
        HTTPStatus.BAD_REQUEST
    )
    response = await post_webhook("sonarr", {"eventType": "Test"})
    assert response.status == HTTPStatus.OK
    assert await response.json() == {"status": "ignored"}
    assert not journal_file(journal_dir).exists()


async def test_start_applies_what_the_snapshot_lacks(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    upstream: Any,
    hass_storage: dict[str, Any],
    journal_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A torn last line is skipped; what the snapshot holds is not applied twice.

    The snapshot holds entry 1 (a request Seerr later declined, long gone); the
    journal still has it, then entry 2 (the movie's request), a line a kill cut
    short, and entry 3 (its approval).
    """
    mock_config_entry.add_to_hass(hass)
    seerr = subentry_id(mock_config_entry, "seerr")
    hass_storage[STORAGE_KEY] = {
        "version": 1,
        "minor_version": 1,
        "key": STORAGE_KEY,
        "data": {"requests": [], "journal_applied": 1},
    }
    already_applied = seerr_request() | {"request": {"request_id": "99"}}
    write_journal(
        journal_file(journal_dir),
        [
            JournalEntry(1, ARRIVED, seerr, already_applied),
            JournalEntry(2, ARRIVED, seerr, movie_flow()[0][1]),
            JournalEntry(3, ARRIVED + timedelta(seconds=4), seerr, movie_flow()[1][1]),
        ],
        cut='{"seq":4,"at":"2026-01-10T11:58:09+00:00","instance":"',
    )
    caplog.set_level(logging.WARNING)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "approved"
    requests = hass_storage[STORAGE_KEY]["data"]["requests"]
    assert [r["seerr_request_id"] for r in requests] == [201]
    assert [(e["kind"], e["at"]) for e in requests[0]["timeline"]] == [
        ("requested", ARRIVED.isoformat()),
        ("approved", (ARRIVED + timedelta(seconds=4)).isoformat()),
    ]
    assert hass_storage[STORAGE_KEY]["data"]["journal_applied"] == 3
    # The snapshot holds everything: the journal is gone.
    assert not journal_file(journal_dir).exists()
    assert "Skipping unreadable line 4 of the webhook journal" in caplog.text
    assert "ExampleSubs" not in caplog.text


async def test_webhooks_of_a_removed_service_are_dropped(
    hass: HomeAssistant,
    upstream: Any,
    hass_storage: dict[str, Any],
    journal_dir: Path,
) -> None:
    """A journaled webhook whose service left the hub changes nothing."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        entry_id=ENTRY_ID,
        title="Media stack",
        data={"name": "Media stack"},
        options={},
    )
    entry.add_to_hass(hass)
    write_journal(
        journal_file(journal_dir),
        [JournalEntry(1, ARRIVED, "removed_seerr", seerr_request())],
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert hass.states.get(MOVIE_SENSOR) is None
    assert hass_storage[STORAGE_KEY]["data"]["requests"] == []
    assert not journal_file(journal_dir).exists()


@pytest.mark.usefixtures("init_integration")
async def test_maintenance_keeps_the_journal_short(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    journal_dir: Path,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Once a snapshot holds the journaled webhooks, the file goes."""
    for service, body in movie_flow()[:3]:
        await post_webhook(service, body)
    assert len(journal_lines(journal_dir)) == 3

    freezer.tick(MAINTENANCE_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert not journal_file(journal_dir).exists()
    assert hass_storage[STORAGE_KEY]["data"]["journal_applied"] == 3
    # Numbering goes on: a later entry is not taken for one already applied.
    service, body = movie_flow()[3]
    await post_webhook(service, body)
    assert [line["seq"] for line in journal_lines(journal_dir)] == [4]


@pytest.mark.usefixtures("init_integration")
async def test_removing_the_hub_removes_its_journal(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    post_webhook: PostWebhook,
    journal_dir: Path,
) -> None:
    """Nothing of a removed hub is left in the configuration folder."""
    await post_webhook(*movie_flow()[0])
    assert journal_file(journal_dir).exists()

    assert await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    assert not journal_file(journal_dir).exists()


@pytest.mark.usefixtures("init_integration")
async def test_a_disk_that_refuses_writes_does_not_lose_the_webhook(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    journal_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The webhook is still applied; the failure is logged once, not per webhook."""
    flow = movie_flow()
    with patch.object(
        WebhookJournal, "_append", side_effect=OSError(28, "No space left on device")
    ):
        for service, body in flow[:2]:
            assert (await post_webhook(service, body)).status == HTTPStatus.OK
    assert hass.states.get(MOVIE_SENSOR).state == "approved"
    assert caplog.text.count("Could not write the webhook journal") == 1
    assert "No space left on device" in caplog.text
    assert WEBHOOK_IDS["seerr"] not in caplog.text

    # The disk has room again: the next webhook is journaled.
    assert (await post_webhook(*flow[2])).status == HTTPStatus.OK
    assert [line["seq"] for line in journal_lines(journal_dir)] == [3]

    # A new failure after a write that worked is logged again.
    with patch.object(WebhookJournal, "_append", side_effect=OSError(5, "I/O error")):
        assert (await post_webhook(*flow[3])).status == HTTPStatus.OK
    assert caplog.text.count("Could not write the webhook journal") == 2


async def test_webhooks_that_arrive_together_are_written_together(
    hass: HomeAssistant, journal_dir: Path
) -> None:
    """A burst costs two writes, each caller told once its body is on disk.

    The first body is written at once; the ones that arrive during that write
    are written, and flushed, together by the next.
    """
    journal = WebhookJournal(hass, journal_file(journal_dir))
    await journal.async_load(0)
    bodies = [{"n": n} for n in range(5)]
    # The first write lasts until the other four have arrived (on a loaded
    # machine a write can otherwise end before the next body comes).
    burst_in = threading.Event()
    real_append = WebhookJournal._append

    def write(journal: WebhookJournal, lines: list[str]) -> None:
        burst_in.wait(timeout=10)
        real_append(journal, lines)

    with patch.object(
        WebhookJournal, "_append", autospec=True, side_effect=write
    ) as append:
        appends = [
            asyncio.ensure_future(journal.async_append("seerr_subentry", b, ARRIVED))
            for b in bodies
        ]
        for _ in range(len(bodies)):
            await asyncio.sleep(0)
        assert append.call_count == 1
        burst_in.set()
        numbers = await asyncio.gather(*appends)
    assert numbers == [1, 2, 3, 4, 5]
    assert [len(call.args[1]) for call in append.call_args_list] == [1, 4]
    assert [line["body"] for line in journal_lines(journal_dir)] == bodies

    # Applied out of order: the snapshot may claim only the unbroken run.
    for seq in (1, 3, 4):
        journal.mark_applied(seq)
    assert journal.applied == 1
    journal.mark_applied(2)
    assert journal.applied == 4

    await journal.async_trim(3)
    assert [line["seq"] for line in journal_lines(journal_dir)] == [4, 5]
    assert journal.pending


async def test_a_webhook_during_the_replay_waits_for_it(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    upstream: Any,
    post_webhook: PostWebhook,
    journal_dir: Path,
) -> None:
    """The tracker sees the journaled request before the approval that follows it."""
    mock_config_entry.add_to_hass(hass)
    seerr = subentry_id(mock_config_entry, "seerr")
    write_journal(
        journal_file(journal_dir), [JournalEntry(1, ARRIVED, seerr, seerr_request())]
    )
    replay_may_go = asyncio.Event()
    apply_backlog = webhook_module._async_apply_backlog

    async def held_back(*args: Any) -> None:
        await replay_may_go.wait()
        await apply_backlog(*args)

    with patch.object(webhook_module, "_async_apply_backlog", held_back):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        approval = asyncio.create_task(post_webhook(*movie_flow()[1]))
        await hass.async_block_till_done()
        assert not approval.done()
        assert hass.states.get(MOVIE_SENSOR) is None

        replay_may_go.set()
        assert (await approval).status == HTTPStatus.OK
    await hass.async_block_till_done(wait_background_tasks=True)

    assert hass.states.get(MOVIE_SENSOR).state == "approved"
    assert [line["seq"] for line in journal_lines(journal_dir)] == [2]
