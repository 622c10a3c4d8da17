"""Run a real qbittorrent-nox for tests, and build torrents for it.

The fixture starts qbittorrent-nox on 127.0.0.1 with a free port and a throw-away
profile (WebUI credentials, legal notice accepted, DHT/PeX/LSD/UPnP off, BitTorrent
bound to the loopback interface, so nothing leaves the machine).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from dataclasses import dataclass
import hashlib
import logging
import os
from pathlib import Path
import shutil
import socket
import time
from typing import Any

import aiohttp
import pytest

from custom_components.status_tracker.api import QBittorrentClient

_LOGGER = logging.getLogger(__name__)

BINARY = shutil.which("qbittorrent-nox")
SKIP_WITHOUT_BINARY = pytest.mark.skipif(
    BINARY is None,
    reason="qbittorrent-nox is not installed (apt-get install qbittorrent-nox; .ci/run does it)",
)

USERNAME = "tracker"
PASSWORD = "live-test-Passw0rd"
# Generous for a busy 2-core CI machine; a healthy run needs a few seconds.
DEADLINE = 60.0
PIECE_LENGTH = 16384


# --- torrent files -----------------------------------------------------------------

Bencodable = int | bytes | str | list[Any] | dict[str, Any]


def bencode(value: Bencodable) -> bytes:
    """Return the bencoding of an int, byte/text string, list or dict (sorted keys)."""
    if isinstance(value, bool):
        raise TypeError("booleans cannot be bencoded")
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(item) for item in value) + b"e"
    items = sorted((key.encode(), item) for key, item in value.items())
    return b"d" + b"".join(bencode(key) + bencode(item) for key, item in items) + b"e"


def file_content(seed: str, size: int) -> bytes:
    """Return `size` deterministic pseudo-random bytes."""
    blocks = (
        hashlib.sha256(f"{seed}:{index}".encode()).digest()
        for index in range(size // 32 + 1)
    )
    return b"".join(blocks)[:size]


@dataclass(frozen=True)
class TorrentFile:
    """A single-file v1 torrent: its bencoded bytes and its info-hash."""

    name: str
    size: int
    data: bytes
    info_hash: str


def make_torrent(name: str, content: bytes) -> TorrentFile:
    """Build a single-file v1 torrent without trackers (BEP 3)."""
    pieces = b"".join(
        hashlib.sha1(content[start : start + PIECE_LENGTH]).digest()  # noqa: S324
        for start in range(0, len(content), PIECE_LENGTH)
    )
    info = {
        "length": len(content),
        "name": name,
        "piece length": PIECE_LENGTH,
        "pieces": pieces,
    }
    return TorrentFile(
        name=name,
        size=len(content),
        data=bencode({"created by": "status_tracker tests", "info": info}),
        info_hash=hashlib.sha1(bencode(info)).hexdigest(),  # noqa: S324
    )


# --- the qbittorrent-nox process -----------------------------------------------------


@dataclass(frozen=True)
class QBittorrentNox:
    """A running qbittorrent-nox."""

    url: str
    port: int
    root: Path
    startup_seconds: float


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """Return `count` distinct TCP ports that are free on 127.0.0.1 right now.

    The probes stay bound until all are picked: one closed before the next is
    bound could give the same number twice.
    """
    probes: list[socket.socket] = []
    try:
        for _ in range(count):
            probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            probes.append(probe)
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def password_pbkdf2(password: str) -> str:
    """Return qBittorrent's WebUI\\Password_PBKDF2 value (4.2+ and 5.x format)."""
    salt = os.urandom(16)
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 100_000, dklen=64)
    return (
        f'"@ByteArray({base64.b64encode(salt).decode()}:'
        f'{base64.b64encode(key).decode()})"'
    )


def write_config(profile: Path, webui_port: int, torrent_port: int) -> None:
    """Write <profile>/qBittorrent/config/qBittorrent.conf for an isolated instance."""
    config_dir = profile / "qBittorrent" / "config"
    config_dir.mkdir(parents=True)
    downloads = profile.parent / "downloads"
    downloads.mkdir()
    lines = [
        "[LegalNotice]",
        "Accepted=true",
        "",
        "[BitTorrent]",
        "Session\\DHTEnabled=false",
        "Session\\PeXEnabled=false",
        "Session\\LSDEnabled=false",
        f"Session\\Port={torrent_port}",
        "Session\\Interface=lo",
        "Session\\InterfaceName=lo",
        "Session\\InterfaceAddress=127.0.0.1",
        f"Session\\DefaultSavePath={downloads}",
        "Session\\TempPathEnabled=false",
        "Session\\AddTorrentPaused=false",
        "Session\\AddTorrentStopped=false",
        "",
        "[Network]",
        "PortForwardingEnabled=false",
        "",
        "[Preferences]",
        "Connection\\UPnP=false",
        "Connection\\ResolvePeerCountries=false",
        "WebUI\\Address=127.0.0.1",
        f"WebUI\\Port={webui_port}",
        "WebUI\\LocalHostAuth=true",
        "WebUI\\UseUPnP=false",
        f"WebUI\\Username={USERNAME}",
        f"WebUI\\Password_PBKDF2={password_pbkdf2(PASSWORD)}",
        "",
    ]
    (config_dir / "qBittorrent.conf").write_text("\n".join(lines), encoding="utf-8")


def read_log(log: Path) -> str:
    """Return the process output written so far (for failure messages)."""
    return log.read_text(errors="replace")


async def run_to_completion(*args: str) -> str:
    """Run a short command and return its output."""
    process = await asyncio.create_subprocess_exec(
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), DEADLINE)
    return output.decode(errors="replace")


async def wait_for_port(
    process: asyncio.subprocess.Process, port: int, log: Path
) -> None:
    """Return once 127.0.0.1:port accepts connections; fail if the process dies."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while True:
        if process.returncode is not None:
            pytest.fail(
                f"qbittorrent-nox exited with {process.returncode}:\n{read_log(log)}"
            )
        try:
            _, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port), 1.0
            )
        except OSError, TimeoutError:
            if loop.time() > deadline:
                pytest.fail(
                    f"qbittorrent-nox did not open port {port} in {DEADLINE} s:\n"
                    f"{read_log(log)}"
                )
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return


async def answers_like_qbittorrent(port: int) -> bool:
    """Return whether the server on `port` is qBittorrent's WebUI.

    Another test's server can take a free port between its choice and
    qbittorrent-nox binding it. qBittorrent answers this call with its API
    version, or 403 before a login; others answer 404.
    """
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/api/v2/app/webapiVersion") as response,
    ):
        return response.status in (200, 403)


@pytest.fixture
async def qbittorrent_nox(
    socket_enabled: None, tmp_path: Path
) -> AsyncGenerator[QBittorrentNox]:
    """Start qbittorrent-nox with a fresh profile; stop it after the test."""
    assert BINARY is not None
    for attempt in range(3):
        webui_port, torrent_port = free_ports(2)
        async with _started(
            tmp_path / f"run{attempt}", webui_port, torrent_port
        ) as nox:
            if nox is None:
                continue  # the port went to another server meanwhile
            yield nox
            return
    pytest.fail("qbittorrent-nox found no free port in 3 attempts")


@asynccontextmanager
async def _started(
    tmp_path: Path, webui_port: int, torrent_port: int
) -> AsyncGenerator[QBittorrentNox | None]:
    """Run qbittorrent-nox; None when its WebUI port answers as another server."""
    assert BINARY is not None
    await asyncio.to_thread(tmp_path.mkdir)
    profile = tmp_path / "profile"
    # PBKDF2 with 100,000 rounds takes a moment: keep it off the event loop.
    await asyncio.to_thread(write_config, profile, webui_port, torrent_port)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("QBT_")
    }
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), LANG="C.UTF-8")

    args = [BINARY, f"--profile={profile}", f"--webui-port={webui_port}"]
    # qBittorrent 5.x asks on the terminal unless the notice is confirmed this way.
    if "--confirm-legal-notice" in await run_to_completion(BINARY, "--help"):
        args.append("--confirm-legal-notice")

    log = tmp_path / "qbittorrent-nox.log"
    started = time.monotonic()
    with log.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log_file,
            stderr=asyncio.subprocess.STDOUT,
            env=env,
        )
    try:
        await wait_for_port(process, webui_port, log)
        if not await answers_like_qbittorrent(webui_port):
            yield None
            return
        yield QBittorrentNox(
            url=f"http://127.0.0.1:{webui_port}",
            port=webui_port,
            root=tmp_path,
            startup_seconds=time.monotonic() - started,
        )
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()
        _LOGGER.debug("qbittorrent-nox output:\n%s", read_log(log))


# --- the test ----------------------------------------------------------------------------


async def add_torrent(
    http: aiohttp.ClientSession,
    client: QBittorrentClient,
    torrent: TorrentFile,
    save_path: Path,
) -> None:
    """Add a .torrent with POST /api/v2/torrents/add (multipart), on the client's session."""
    form = aiohttp.FormData()
    form.add_field(
        "torrents",
        torrent.data,
        filename=f"{torrent.name}.torrent",
        content_type="application/x-bittorrent",
    )
    form.add_field("savepath", str(save_path))
    async with http.post(
        f"{client.base_url}/api/v2/torrents/add",
        data=form,
        headers=client._auth_headers(),
    ) as response:
        body = await response.text()
    assert 200 <= response.status < 300, (response.status, body)
    assert body.strip() != "Fails.", "qBittorrent refused the torrent"
