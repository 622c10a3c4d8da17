"""Every webhook endpoint gets random requests through Home Assistant's HTTP server.

Random and mutated bodies, other services' bodies, random bytes, bodies over the
size limit (with and without Content-Length), wrong content types and methods.
No answer is a 5xx, nothing is logged at ERROR level (Home Assistant's webhook
component answers 200 and logs an ERROR when a handler raises), and a refused
request (4xx) leaves the hub's data exactly as it was.

Hypothesis runs in an executor thread and hands each case to the event loop, so
the real server, the hub and the tracker handle it between cases.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import json
from typing import Any

from aiohttp import hdrs
from homeassistant.core import HomeAssistant
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.const import MAX_WEBHOOK_BODY_BYTES
from tests.conftest import WEBHOOK_IDS

from . import (
    DEFAULT_HA_EXAMPLES,
    Counter,
    fuzz_settings,
    mock_any_series,
    no_error_logs,
    webhook_bodies,
)

SERVICES = ("seerr", "sonarr", "radarr", "jellyfin")
# Seconds one case may take before the test fails instead of hanging.
CASE_TIMEOUT = 60


@dataclass(frozen=True)
class Case:
    """One HTTP request to a webhook."""

    method: str
    content_type: str | None  # None: no Content-Type header at all
    body: bytes
    chunked: bool

    def __repr__(self) -> str:
        """Keep hypothesis' report readable for huge bodies."""
        body = self.body if len(self.body) <= 300 else self.body[:300] + b"..."
        return (
            f"Case({self.method}, {self.content_type!r}, chunked={self.chunked}, "
            f"{len(self.body)} bytes: {body!r})"
        )


def weighted(common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> Any:
    """Return `rare` for about one case in six, `common` otherwise.

    one_of would not do: it merges repeated branches and favours simple ones.
    """
    return st.sampled_from(range(6)).flatmap(lambda n: rare if n == 0 else common)


CONTENT_TYPES = weighted(
    st.sampled_from(["application/json", "application/json", "text/plain", None]),
    st.sampled_from(
        [
            "text/json",
            "application/octet-stream",
            "application/json; charset=latin-1",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/html",
            "application/xml",
            "image/png",
        ]
    )
    | st.from_regex(
        r"[a-z]{1,12}/[a-z0-9.+-]{1,20}(; ?charset=[a-z0-9-]{1,10})?", fullmatch=True
    ),
)
METHODS = weighted(
    st.just(hdrs.METH_POST),
    st.sampled_from(
        [
            hdrs.METH_GET,
            hdrs.METH_PUT,
            hdrs.METH_DELETE,
            hdrs.METH_PATCH,
            hdrs.METH_HEAD,
            hdrs.METH_OPTIONS,
        ]
    ),
)
OVERSIZED = st.integers(MAX_WEBHOOK_BODY_BYTES + 1, MAX_WEBHOOK_BODY_BYTES + 70_000)


def _encode(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def bodies(service: str) -> st.SearchStrategy[bytes]:
    """Return raw bodies: mostly JSON, some bytes, some over the size limit."""
    return weighted(
        webhook_bodies(service).map(_encode),
        st.one_of(
            st.binary(max_size=300),
            st.text(max_size=300).map(str.encode),
            OVERSIZED.map(lambda n: b" " * n),
            OVERSIZED.map(lambda n: b'{"a": "' + b"x" * n + b'"}'),
            st.integers(1, 20_000).map(lambda n: b"[" * n + b"]" * n),
        ),
    )


@st.composite
def cases(draw: st.DrawFn, service: str) -> Case:
    """Return one request: method, content type, body, chunked or not."""
    return Case(
        method=draw(METHODS),
        content_type=draw(CONTENT_TYPES),
        body=draw(bodies(service)),
        chunked=draw(st.integers(0, 7)) == 0,
    )


def _stored(entry: MockConfigEntry) -> str:
    """Return what the hub would write to storage (the tracker and more)."""
    return json.dumps(entry.runtime_data.store_data(), sort_keys=True, default=str)


async def _chunks(body: bytes) -> Any:
    for start in range(0, len(body), 65536):
        yield body[start : start + 65536]


@pytest.mark.parametrize("service", SERVICES)
async def test_webhook_fuzz(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: Any,
    upstream: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
    service: str,
) -> None:
    """No 5xx, no ERROR log, and refused requests change no stored data."""
    caplog.set_level("DEBUG", logger="custom_components.status_tracker")
    mock_any_series(upstream)
    client = await hass_client_no_auth()
    url = f"/api/webhook/{WEBHOOK_IDS[service]}"

    async def send(case: Case) -> None:
        before = _stored(init_integration)
        headers = (
            {} if case.content_type is None else {"Content-Type": case.content_type}
        )
        with no_error_logs(lambda: caplog.records):
            response = await client.request(
                case.method,
                url,
                data=_chunks(case.body) if case.chunked else case.body,
                headers=headers,
                skip_auto_headers=[hdrs.CONTENT_TYPE]
                if case.content_type is None
                else (),
            )
            await response.read()
            await hass.async_block_till_done()
        counter.outcome(f"HTTP {response.status}")
        assert response.status < 500, response.status
        if response.status >= 400:
            assert _stored(init_integration) == before, response.status
        if case.method == hdrs.METH_POST and response.status == 200:
            assert (await response.json()) in ({"status": "ok"}, {"status": "ignored"})
        caplog.clear()

    loop = asyncio.get_running_loop()
    with Counter(f"webhook {service}") as counter:

        @fuzz_settings(DEFAULT_HA_EXAMPLES)
        @given(case=cases(service))
        def check(case: Case) -> None:
            counter.cases += 1
            asyncio.run_coroutine_threadsafe(send(case), loop).result(CASE_TIMEOUT)

        await hass.async_add_executor_job(check)
    assert counter.cases
