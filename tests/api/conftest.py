"""Shared fixtures of the client tests: a mocked session, Sonarr and Radarr clients."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from aiohttp import ClientSession
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.api import RadarrClient, SonarrClient

API_KEY = "0123456789abcdef0123456789abcdef"
SONARR_URL = "http://sonarr.lan:8989"
RADARR_URL = "http://radarr.lan:7878"


@pytest.fixture
async def session(aioclient_mock: AiohttpClientMocker) -> AsyncGenerator[ClientSession]:
    """Return a client session answered by aioclient_mock."""
    client_session = aioclient_mock.create_session(asyncio.get_running_loop())
    yield client_session
    await client_session.close()


@pytest.fixture
def sonarr(session: ClientSession) -> SonarrClient:
    """Return a Sonarr client on the mocked session."""
    return SonarrClient(session, SONARR_URL, API_KEY)


@pytest.fixture
def radarr(session: ClientSession) -> RadarrClient:
    """Return a Radarr client on the mocked session."""
    return RadarrClient(session, RADARR_URL, API_KEY)
