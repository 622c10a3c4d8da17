"""The manifest, services.yaml, strings, translations and icons agree with the code."""

from __future__ import annotations

import ast
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util.yaml import load_yaml_dict
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.status_tracker import services
from custom_components.status_tracker.config_flow import OPTION_SECTIONS
from custom_components.status_tracker.const import DOMAIN

PACKAGE = Path(__file__).parent.parent / "custom_components" / DOMAIN
SOURCES = {
    path.name: path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")
}


def _json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PACKAGE / name).read_text(encoding="utf-8"))
    return data


STRINGS = _json("strings.json")
ICONS = _json("icons.json")
SERVICES_YAML = load_yaml_dict(str(PACKAGE / "services.yaml"))
SCHEMAS = {
    services.SERVICE_DELETE_REQUEST: services.DELETE_SCHEMA,
    services.SERVICE_SYNC_LIBRARY: services.SYNC_SCHEMA,
    services.SERVICE_RETRY_REQUEST: services.TARGET_SCHEMA,
    services.SERVICE_VERIFY_REQUEST: services.TARGET_SCHEMA,
    services.SERVICE_GET_REQUESTS: services.GET_REQUESTS_SCHEMA,
    services.SERVICE_GET_DELETION_LOG: services.DELETION_LOG_SCHEMA,
}


def _translation_keys(call_names: set[str]) -> set[str]:
    """Return literal translation keys passed to the named calls in the package."""
    found: set[str] = set()
    for source in SOURCES.values():
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else getattr(func, "id", "")
            )
            if name not in call_names:
                continue
            for keyword in node.keywords:
                if keyword.arg == "translation_key":
                    found |= {
                        c.value
                        for c in ast.walk(keyword.value)
                        if isinstance(c, ast.Constant) and isinstance(c.value, str)
                    }
    return found


def test_manifest_keys_in_hassfest_order() -> None:
    """domain and name first, then the other keys alphabetically."""
    manifest = _json("manifest.json")
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert manifest["domain"] == DOMAIN
    assert manifest["config_flow"] is True
    assert "pysignalr==1.3.0" in manifest["requirements"]


def test_translations_are_the_strings() -> None:
    """translations/en.json is strings.json (no [%key:...] references to resolve)."""
    assert _json("translations/en.json") == STRINGS
    assert "[%key:" not in json.dumps(STRINGS)


def test_every_action_is_described_everywhere() -> None:
    """services.yaml, strings, icons and the schemas name the same actions and fields."""
    assert set(SERVICES_YAML) == set(STRINGS["services"]) == set(ICONS["services"])
    assert set(SERVICES_YAML) == set(SCHEMAS)
    for name, schema in SCHEMAS.items():
        fields = set(SERVICES_YAML[name]["fields"])
        assert fields == set(STRINGS["services"][name]["fields"]), name
        assert fields == {str(key) for key in schema.schema}, name
        assert STRINGS["services"][name]["name"]
        assert STRINGS["services"][name]["description"]


def test_select_selectors_are_translated() -> None:
    """Every select option with a translation key has a translated label."""
    for service in SERVICES_YAML.values():
        for field in service["fields"].values():
            select = field.get("selector", {}).get("select")
            if select and (key := select.get("translation_key")):
                assert set(select["options"]) == set(
                    STRINGS["selector"][key]["options"]
                )


async def test_registered_actions_match_services_yaml(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, upstream: Any
) -> None:
    """The integration registers exactly the actions services.yaml describes."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    assert set(hass.services.async_services_for_domain(DOMAIN)) == set(SERVICES_YAML)


def test_exception_keys_used_and_translated() -> None:
    """Every raised translation key has a message, and every message is used."""
    raised = _translation_keys(
        {"HomeAssistantError", "ServiceValidationError", "ConfigEntryNotReady"}
    )
    assert raised <= set(STRINGS["exceptions"])
    everything = "\n".join(SOURCES.values())
    for key in STRINGS["exceptions"]:
        assert f'"{key}"' in everything, f"exception {key} is never raised"


def test_issue_keys_used_and_translated() -> None:
    """Every repair the code raises has a title and description, and vice versa."""
    raised = _translation_keys({"async_create_issue"})
    assert raised <= set(STRINGS["issues"])
    everything = "\n".join(SOURCES.values())
    for key in STRINGS["issues"]:
        assert f'"{key}"' in everything, f"repair {key} is never raised"
    for issue in STRINGS["issues"].values():
        assert issue["title"]
        assert issue["description"]


@pytest.mark.parametrize("platform", ["sensor", "binary_sensor", "event"])
def test_entity_keys_translated_and_iconed(platform: str) -> None:
    """Entity translation keys in the code have names (or states) and icons."""
    source = SOURCES[f"{platform}.py"]
    keys = {
        c.value
        for node in ast.walk(ast.parse(source))
        for target, value in _assignments(node)
        if target in ("_attr_translation_key", "translation_key")
        for c in ast.walk(value)
        if isinstance(c, ast.Constant) and isinstance(c.value, str)
    }
    assert keys
    assert keys == set(STRINGS["entity"][platform])
    assert keys == set(ICONS["entity"][platform])


def _assignments(node: ast.AST) -> list[tuple[str, ast.AST]]:
    if isinstance(node, ast.Assign):
        return [
            (target.id, node.value)
            for target in node.targets
            if isinstance(target, ast.Name)
        ]
    if isinstance(node, ast.keyword) and node.arg:
        return [(node.arg, node.value)]
    return []


def test_option_sections_translated() -> None:
    """Each options section and field has a translated name."""
    sections = STRINGS["options"]["step"]["init"]["sections"]
    assert set(sections) == set(OPTION_SECTIONS)
    for name, fields in OPTION_SECTIONS.items():
        keys = {str(key) for key in fields}
        assert set(sections[name]["data"]) == keys, name
        assert set(sections[name].get("data_description", keys)) == keys, name
        assert all(isinstance(key, probatio.Marker) for key in fields)


# The 54 rules of Home Assistant 2026.10's quality scale.
QUALITY_RULES = {
    # Bronze
    "action-setup", "appropriate-polling", "brands", "common-modules",
    "config-flow-test-coverage", "config-flow", "dependency-transparency",
    "docs-actions", "docs-conditions", "docs-high-level-description",
    "docs-installation-instructions", "docs-triggers",
    "docs-removal-instructions", "entity-event-setup", "entity-unique-id",
    "has-entity-name", "runtime-data", "test-before-configure", "test-before-setup",
    "unique-config-entry",
    # Silver
    "action-exceptions", "config-entry-unloading", "docs-configuration-parameters",
    "docs-installation-parameters", "entity-unavailable", "integration-owner",
    "log-when-unavailable", "parallel-updates", "reauthentication-flow", "test-coverage",
    # Gold
    "devices", "diagnostics", "discovery-update-info", "discovery", "docs-data-update",
    "docs-examples", "docs-known-limitations", "docs-supported-devices",
    "docs-supported-functions", "docs-troubleshooting", "docs-use-cases",
    "dynamic-devices", "entity-category", "entity-device-class",
    "entity-disabled-by-default", "entity-translations", "exception-translations",
    "icon-translations", "reconfiguration-flow", "repair-issues", "stale-devices",
    # Platinum
    "async-dependency", "inject-websession", "strict-typing",
}  # fmt: skip


def test_quality_scale_lists_every_rule() -> None:
    """Every rule up to Platinum is done, or exempt with a reason."""
    rules = load_yaml_dict(str(PACKAGE / "quality_scale.yaml"))["rules"]
    assert len(QUALITY_RULES) == 54
    assert set(rules) == QUALITY_RULES
    for name, rule in rules.items():
        status = rule if isinstance(rule, str) else rule["status"]
        assert status in ("done", "exempt"), name
        if status == "exempt":
            assert rule["comment"], name
    assert (PACKAGE / "brand" / "icon.png").is_file()


def test_declared_minimum_is_the_tested_one() -> None:
    """hacs.json's minimum is the Home Assistant script/test_oldest runs on."""
    root = PACKAGE.parent.parent
    hacs = json.loads((root / "hacs.json").read_text(encoding="utf-8"))
    pins = (root / "requirements_oldest.txt").read_text(encoding="utf-8").splitlines()
    assert f"homeassistant=={hacs['homeassistant']}" in pins
    year, month, _ = hacs["homeassistant"].split(".")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f"Requires Home Assistant {year}.{month} or newer." in readme


def test_no_reference_points_outside_the_repository() -> None:
    """Citations name what a clone has: docs/protocols.md sections, no issue numbers.

    The protocol notes used to live in a research folder beside the repository,
    and some tests named the issue they came from; a user's clone has neither.
    The upper-case notes file and that folder are named here in pieces, so this
    test does not cite them itself.
    """
    root = PACKAGE.parent.parent
    notes_file = "PROTOCOLS" + r"\.md"
    notes_folder = "sha" + "red/"
    outside = re.compile(rf"{notes_file}|{notes_folder}|\b[Ii]ssue[ -]\d+")
    cited = re.compile(r"docs/protocols\.md[^§\n]*((?:§\d+(?:\.\d+)?[,\- and]*)+)")
    protocols = (root / "docs" / "protocols.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^#+ (\d+(?:\.\d+)?)[. ]", protocols, re.MULTILINE))
    offenders, unknown = [], []
    for folder in ("custom_components", "tests", "demo", "script"):
        for path in sorted((root / folder).rglob("*")):
            if not path.is_file() or path.suffix not in {".py", ".md", ""}:
                continue
            if path == Path(__file__) or "node_modules" in path.parts:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), 1):
                where = f"{path.relative_to(root)}:{number}"
                if outside.search(line):
                    offenders.append(where)
                unknown += [
                    f"{where} §{section}"
                    for match in cited.finditer(line)
                    for section in re.findall(r"§(\d+(?:\.\d+)?)", match.group(1))
                    if section not in sections
                ]
    assert offenders == []
    assert unknown == []
    assert {"2.1", "4.2", "6.1", "7.5"} <= sections
