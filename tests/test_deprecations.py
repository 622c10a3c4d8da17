"""The guard that fails tests on Home Assistant's deprecation reports about our code.

Home Assistant's real reporting helpers run from a frame that Home Assistant takes
for this integration's code (its file name is inside custom_components/status_tracker),
so the guard is checked against the exact lines users would see.
"""

from __future__ import annotations

from collections.abc import Generator
import logging
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.helpers.deprecation import deprecated_function
from homeassistant.helpers.frame import ReportBehavior, report_usage
import pytest

from custom_components import status_tracker

from .deprecations import DeprecationReports, names_our_deprecation

# These tests cause reports on purpose; the autouse guard lets them through.
pytestmark = pytest.mark.reports_deprecated_use

# A file name inside the package: Home Assistant attributes the call to us.
OUR_FILE = str(Path(status_tracker.__file__).parent / "sensor.py")


@deprecated_function("new_helper", breaks_in_ha_version="2099.1.0")
def old_helper() -> None:
    """Stand in for a deprecated Home Assistant helper."""


def _run_as_our_code(source: str, namespace: dict[str, object]) -> None:
    exec(compile(source, OUR_FILE, "exec"), namespace)  # noqa: S102


@pytest.fixture
def reports() -> Generator[DeprecationReports]:
    """Collect deprecation reports into a collector of the test's own."""
    collector = DeprecationReports()
    root = logging.getLogger()
    root.addHandler(collector)
    yield collector
    root.removeHandler(collector)


async def test_report_usage_about_our_code_is_caught(
    hass: HomeAssistant, reports: DeprecationReports
) -> None:
    _run_as_our_code(
        "report_usage('calls `old_api`, which is deprecated',"
        " custom_integration_behavior=ReportBehavior.LOG,"
        " breaks_in_ha_version='2099.1.0')",
        {"report_usage": report_usage, "ReportBehavior": ReportBehavior},
    )
    caught = reports.take()
    assert len(caught) == 1
    assert "custom integration 'status_tracker'" in caught[0]
    assert "will stop working in Home Assistant 2099.1.0" in caught[0]


async def test_deprecated_function_called_by_our_code_is_caught(
    hass: HomeAssistant, reports: DeprecationReports
) -> None:
    _run_as_our_code("old_helper()", {"old_helper": old_helper})
    caught = reports.take()
    assert len(caught) == 1
    assert "was called from status_tracker" in caught[0]


@pytest.mark.parametrize(
    "message",
    [
        (
            "Detected that custom integration 'other_integration' calls a deprecated "
            "API. This will stop working in Home Assistant 2027.8.0"
        ),
        "The deprecated function old was called from hue. Use new instead",
        (
            "Seerr's webhook agent sends elsewhere; custom_components/status_tracker "
            "left it alone"
        ),
        (
            "Detected that custom integration 'status_tracker_extra' calls a deprecated "
            "API"
        ),
    ],
)
def test_other_lines_are_not_ours(message: str) -> None:
    assert not names_our_deprecation(message)
