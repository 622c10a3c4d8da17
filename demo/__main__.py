"""Run the demo: `python -m demo` (script/demo runs it after script/bootstrap).

Starts the simulated services and a fresh Home Assistant on 127.0.0.1:8123
(configuration in .demo/, recreated on every start), sets Status Tracker up
through its config flows, prints where to look, and plays the story until
Ctrl-C; then stops everything it started.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Coroutine
from pathlib import Path
import secrets
import shutil
import signal
import socket
import sys
from typing import Any

import aiohttp

from demo.home_assistant import ROOT, HomeAssistantError
from demo.scenario import Scenario
from demo.stack import DemoStack

DEFAULT_CONFIG_DIR = ROOT / ".demo"
# Marks a configuration directory as the demo's own, so only such a directory
# is ever deleted.
MARKER = ".status-tracker-demo"


def say(line: str) -> None:
    """Print one progress line at once."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="script/demo",
        description="Status Tracker with simulated media services, until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=8123, help="Home Assistant port")
    parser.add_argument(
        "--config-dir",
        type=Path,
        default=DEFAULT_CONFIG_DIR,
        help="Home Assistant configuration directory, recreated on each start",
    )
    parser.add_argument("--username", default="demo")
    parser.add_argument(
        "--password", help="the demo user's password (default: a new random one)"
    )
    parser.add_argument(
        "--pace", type=float, default=1.0, help="play the story this much faster"
    )
    parser.add_argument(
        "--rounds", type=int, help="stop after this many rounds (default: never)"
    )
    return parser.parse_args(argv)


def port_is_free(port: int) -> bool:
    """Return True when nothing listens on 127.0.0.1:`port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def fresh_config_dir(path: Path) -> None:
    """Empty the demo's configuration directory, refusing anyone else's."""
    if path.exists():
        if not (path / MARKER).exists():
            raise SystemExit(
                f"error: {path} exists and was not made by the demo; "
                "choose another --config-dir"
            )
        shutil.rmtree(path)
    path.mkdir(parents=True)
    (path / MARKER).write_text("Made by script/demo; deleted on its next start.\n")


def banner(stack: DemoStack) -> None:
    """Say where to look."""
    say(
        f"""
==> Status Tracker demo is running
    Open {stack.dashboard_url}
    and log in as {stack.username} / {stack.password}

    Every few minutes a round requests five invented titles in the simulated
    Seerr. Watch each go requested -> approved -> grabbed -> downloading (the
    progress comes from the simulated qBittorrent) -> imported -> matched
    (anime, by the simulated Shoko) -> available. One movie is downloaded but
    never imported: about 6 minutes later it shows the "stalled" problem. One
    anime episode cannot be matched by Shoko: it shows "needs link". Both are
    fixed a little later. Click a request for its timeline; the sensors are
    under Settings -> Devices & services -> Status Tracker.

    Press Ctrl-C to stop (Home Assistant and the simulated services).
"""
    )


async def _until_stopped(work: Coroutine[Any, Any, Any], stop: asyncio.Event) -> bool:
    """Run `work` until it ends or `stop` is set; return True if it ended."""
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return False
    task.result()  # raises what the work raised
    return True


async def run(args: argparse.Namespace) -> int:
    """Start, play, and stop; return the exit code."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    stack = DemoStack(
        config_dir=args.config_dir.resolve(),
        port=args.port,
        username=args.username,
        password=args.password or secrets.token_urlsafe(9),
    )
    try:
        if not await _until_stopped(stack.start(say), stop):
            return 130
        banner(stack)
        scenario = Scenario(stack.simulator, stack.post, pace=args.pace, say=say)
        await _until_stopped(scenario.run(args.rounds), stop)
    except (HomeAssistantError, aiohttp.ClientError, OSError) as err:
        say(f"error: {err}")
        return 1
    else:
        return 0
    finally:
        say("==> Stopping Home Assistant and the simulated services")
        await stack.stop()
        say("==> Stopped")


def main(argv: list[str] | None = None) -> int:
    """Check the port and the directory, then run."""
    args = parse_args(argv)
    if not port_is_free(args.port):
        say(
            f"error: port {args.port} on 127.0.0.1 is in use (another Home "
            "Assistant?). Stop it, or choose another port: script/demo --port 8124"
        )
        return 1
    fresh_config_dir(args.config_dir.resolve())
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
