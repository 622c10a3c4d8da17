"""Parser for Shoko Server SignalR events (docs/protocols.md §7.3 and §7.5).

The hub sends invocations ``{"type": 1, "target": <event name>, "arguments":
[payload]}``; `parse_shoko_event` takes the target and the arguments array. Payload
keys are PascalCase in every version (``AddNewtonsoftJsonProtocol`` with a
``DefaultContractResolver``, ``Shoko.Server/API/APIExtensions.cs``).

Shoko v5 (stable, group ``ShokoEvent``, ``API/SignalR/Aggregate/ShokoEventEmitter.cs``
and ``API/SignalR/Models/*``):

- ``ShokoEvent:FileDetected`` -> ShokoFile DETECTED: ``RelativePath``,
  ``ImportFolderID``.
- ``ShokoEvent:FileHashed`` / ``FileMatched`` / ``FileDeleted`` / ``FileMoved`` /
  ``FileRenamed`` -> ShokoFile HASHED / MATCHED / DELETED / MOVED / RENAMED:
  ``FileID``, ``ImportFolderID``, ``RelativePath``, ``CrossReferences[]``
  ``{EpisodeID, AnidbEpisodeID, SeriesID, AnidbAnimeID, GroupID}``
  (``FileEventSignalRModel.cs``; FileLocationID, GroupID and the Previous*/FileName
  fields of moves and renames are not used).
- ``ShokoEvent:FileNotMatched`` -> ShokoFile NOT_MATCHED: the same plus
  ``AutoMatchAttempts`` and ``IsUDPBanned``.
- ``ShokoEvent:SeriesUpdated`` / ``EpisodeUpdated`` / ``MovieUpdated`` ->
  ShokoMetadata "series" / "episode" / "movie": ``Source``, ``Reason``, the id in
  that source (``SeriesID`` / ``EpisodeID`` / ``MovieID``), ``ShokoSeriesIDs[]``,
  ``ShokoEpisodeIDs[]`` (for a series: ``Episodes[].ShokoEpisodeIDs[]``).
- ``ShokoEvent:OnConnected`` (argument null) and anything else -> Ignored.

Shoko v6 (master, unreleased): groups are the lower-cased emitter names
(``Aggregate/BaseEventEmitter.cs`` ``Group``/``GetName``):

- ``file:detected`` / ``file:hashed`` / ``file:deleted`` / ``file:relocated``
  (``Aggregate/FileEventEmitter.cs``; models ``VideoFileDetectedEventSignalRModel``,
  ``VideoFileEventSignalRModel``, ``VideoFileHashedEventSignalRModel``,
  ``VideoFileRelocatedEventSignalRModel``): the v5 fields, but import folders are
  "managed folders", so the folder id is ``ManagedFolderID``. ``file:relocated``
  adds ``Moved``/``Renamed`` booleans: a pure rename maps to RENAMED, anything
  else to MOVED.
- ``release:saved`` (``Aggregate/ReleaseEventEmitter.cs``,
  ``VideoReleaseSavedSignalRModel``): ``{"FileID", "Release": {…,
  "CrossReferences": [...]}}`` means the file is matched: MATCHED. The release
  cross references carry only AniDB ids, as ``AnidbEpisodeID``/``AnidbAnimeID``
  (``Shoko.Abstractions/Video/Release/ReleaseVideoCrossReference.cs``) or, in
  newer builds, as ``ProviderIDs`` ``{"AniDB_Episode": "…", "AniDB_Anime": "…"}``
  (``CrossReferenceIDs.cs``); both are read. Shoko series/episode ids are None.
- ``release:removed`` (``ReleaseDeletedSignalRModel``: ``FileID`` nullable,
  ``Release``): the file lost its release and cross references (the server also
  clears its import date), so it is NOT_MATCHED again. Without a FileID the video
  itself is gone (``file:deleted`` reports that), so it is Ignored. A re-match
  sends ``release:removed`` followed by ``release:saved``.
- ``release:search.completed`` (``VideoReleaseSearchCompletedSignalRModel``):
  no ``ReleaseInfo`` means the search found nothing, the v6 counterpart of
  FileNotMatched: NOT_MATCHED. A found release is Ignored here because
  ``release:saved`` reports it.
- ``metadata:<series|episode|movie>.<added|updated|removed>``
  (``Aggregate/MetadataEventEmitter.cs``): the v5 metadata payloads.

Release events carry no path, so their ShokoFile has ``relative_path == ""``;
the consumer correlates them through ``file_id``.

Ids are ints; 0 and negative ids become None. Paths use '/' and have no leading
'/'. Malformed payloads raise InvalidPayload; unknown targets give Ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from ..core.observations import (
    Ignored,
    Observation,
    ShokoCrossReference,
    ShokoFile,
    ShokoFileEvent,
    ShokoMetadata,
)
from .errors import InvalidPayload
from .fields import JsonObject, json_type_name

SOURCE: Final = "shoko"

# Longest event name kept in an Ignored observation (names come from the server).
_MAX_EVENT_NAME: Final = 200

_ON_CONNECTED: Final = "ShokoEvent:OnConnected"

_V5_FILE_EVENTS: Final = {
    "ShokoEvent:FileDetected": ShokoFileEvent.DETECTED,
    "ShokoEvent:FileHashed": ShokoFileEvent.HASHED,
    "ShokoEvent:FileMatched": ShokoFileEvent.MATCHED,
    "ShokoEvent:FileNotMatched": ShokoFileEvent.NOT_MATCHED,
    "ShokoEvent:FileDeleted": ShokoFileEvent.DELETED,
    "ShokoEvent:FileMoved": ShokoFileEvent.MOVED,
    "ShokoEvent:FileRenamed": ShokoFileEvent.RENAMED,
}

_V6_FILE_EVENTS: Final = {
    "file:detected": ShokoFileEvent.DETECTED,
    "file:hashed": ShokoFileEvent.HASHED,
    "file:deleted": ShokoFileEvent.DELETED,
}

# Metadata kind and the key of its id in the payload.
_METADATA_KINDS: Final = {
    "series": "SeriesID",
    "episode": "EpisodeID",
    "movie": "MovieID",
}

_V5_METADATA_EVENTS: Final = {
    "ShokoEvent:SeriesUpdated": "series",
    "ShokoEvent:EpisodeUpdated": "episode",
    "ShokoEvent:MovieUpdated": "movie",
}

# MetadataEventEmitter names events "<kind>.<reason>" for the metadata service's
# Added/Updated/Removed events (reason None is sent as "updated").
_V6_METADATA_EVENTS: Final = {
    f"metadata:{kind}.{reason}": kind
    for kind in _METADATA_KINDS
    for reason in ("added", "updated", "removed")
}


class _Payload(JsonObject):
    """JsonObject with the few readers Shoko payloads need beyond the common ones."""

    __slots__ = ()

    def payload_list(self, key: str) -> tuple[_Payload, ...]:
        """Return the objects of the array at `key` (empty when absent)."""
        value = self._data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.invalid(key, f"must be an array, got {json_type_name(value)}")
        result: list[_Payload] = []
        for index, item in enumerate(value):
            item_key = f"{key}[{index}]"
            if not isinstance(item, Mapping):
                raise self.invalid(
                    item_key, f"must be an object, got {json_type_name(item)}"
                )
            result.append(_Payload(item, self.name(item_key)))
        return tuple(result)

    def optional_payload(self, key: str) -> _Payload | None:
        """Return the object at `key`, or None when absent."""
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.invalid(key, f"must be an object, got {json_type_name(value)}")
        return _Payload(value, self.name(key))

    def id_list(self, key: str) -> tuple[int, ...]:
        """Return the positive integer ids of the array at `key`, without repeats."""
        value = self._data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.invalid(key, f"must be an array, got {json_type_name(value)}")
        ids: dict[int, None] = {}
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, int):
                raise self.invalid(
                    f"{key}[{index}]", f"must be an integer, got {json_type_name(item)}"
                )
            if item > 0:
                ids[item] = None
        return tuple(ids)


# -- entry point --------------------------------------------------------------


def parse_shoko_event(
    target: str, arguments: object, instance_id: str
) -> list[Observation]:
    """Turn one SignalR invocation from Shoko's aggregate hub into observations.

    `target` is the event name, `arguments` the invocation's arguments array. Its
    first element is the payload: one object, or an array of objects giving one
    observation each. Unknown events and greetings give one Ignored. Raises
    InvalidPayload for malformed input and nothing else.
    """
    if not isinstance(target, str):
        raise InvalidPayload(
            f"event name must be a string, got {json_type_name(target)}"
        )
    handler = _HANDLERS.get(target)
    if handler is None:
        return [_ignored(target)]
    return [handler(payload, instance_id) for payload in _payloads(arguments)]


def _ignored(target: str) -> Ignored:
    """Return the observation for an event the tracker does not use."""
    if target == _ON_CONNECTED or target.endswith(":connected"):
        reason = "greeting sent when the connection joins a feed"
    else:
        reason = "only file and metadata events are tracked"
    return Ignored(source=SOURCE, event_type=target[:_MAX_EVENT_NAME], reason=reason)


def _payloads(arguments: object) -> list[_Payload]:
    """Return the payload object(s) of an invocation's arguments array."""
    if not isinstance(arguments, (list, tuple)):
        raise InvalidPayload(
            f"arguments must be an array, got {json_type_name(arguments)}",
            field="arguments",
        )
    if not arguments:
        raise InvalidPayload(
            "arguments is empty (expected the event payload)", field="arguments"
        )
    first = arguments[0]
    if isinstance(first, Mapping):
        return [_Payload(first, "arguments[0]")]
    if isinstance(first, list):
        payloads: list[_Payload] = []
        for index, item in enumerate(first):
            field = f"arguments[0][{index}]"
            if not isinstance(item, Mapping):
                raise InvalidPayload(
                    f"{field} must be an object, got {json_type_name(item)}",
                    field=field,
                )
            payloads.append(_Payload(item, field))
        return payloads
    raise InvalidPayload(
        "arguments[0] must be an object or an array of objects, "
        f"got {json_type_name(first)}",
        field="arguments[0]",
    )


# -- field readers ------------------------------------------------------------


def _id(payload: JsonObject, key: str) -> int | None:
    """Return a Shoko/AniDB/TMDB id; absent, 0 and negative ids give None."""
    value = payload.optional_int(key)
    return value if value is not None and value > 0 else None


def _require_file_id(payload: JsonObject) -> int:
    """Return the FileID a release event needs to be of any use."""
    file_id = _id(payload, "FileID")
    if file_id is None:
        raise payload.invalid("FileID", "must be a positive integer")
    return file_id


def _relative_path(payload: JsonObject) -> str:
    r"""Return RelativePath with '/' separators and no leading '/'.

    Shoko writes it with the server's separator, so Windows servers send '\'.
    """
    raw = payload.require_nonempty_str("RelativePath")
    path = raw.replace("\\", "/").lstrip("/")
    if not path.strip():
        raise payload.invalid("RelativePath", "must name a file")
    return path


def _folder_id(payload: JsonObject) -> int | None:
    """Return the import folder id (v5 ImportFolderID, v6 ManagedFolderID)."""
    if payload.has("ImportFolderID"):
        return _id(payload, "ImportFolderID")
    return _id(payload, "ManagedFolderID")


def _file_cross_reference(item: JsonObject) -> ShokoCrossReference:
    """Read one FileCrossReferenceSignalRModel (Shoko ids are null until created)."""
    return ShokoCrossReference(
        episode_id=_id(item, "EpisodeID"),
        anidb_episode_id=_id(item, "AnidbEpisodeID"),
        series_id=_id(item, "SeriesID"),
        anidb_anime_id=_id(item, "AnidbAnimeID"),
    )


def _release_cross_reference(item: _Payload) -> ShokoCrossReference:
    """Read one v6 release cross reference (AniDB ids only, two known shapes)."""
    episode = _id(item, "AnidbEpisodeID")
    anime = _id(item, "AnidbAnimeID")
    provider_ids = item.optional_payload("ProviderIDs")
    if provider_ids is not None:
        episode = episode or provider_ids.optional_id_text("AniDB_Episode")
        anime = anime or provider_ids.optional_id_text("AniDB_Anime")
    return ShokoCrossReference(
        episode_id=None,
        anidb_episode_id=episode,
        series_id=None,
        anidb_anime_id=anime,
    )


# -- handlers -----------------------------------------------------------------

_Handler = Callable[[_Payload, str], Observation]


def _file_handler(event: ShokoFileEvent) -> _Handler:
    """Return the handler of a v5 / v6 file event with a fixed ShokoFileEvent."""

    def handle(payload: _Payload, instance_id: str) -> Observation:
        return _file(payload, instance_id, event)

    return handle


def _file(payload: _Payload, instance_id: str, event: ShokoFileEvent) -> ShokoFile:
    """Read a file event payload (FileEventSignalRModel and its v6 successor)."""
    not_matched = event is ShokoFileEvent.NOT_MATCHED
    attempts = payload.optional_int("AutoMatchAttempts") if not_matched else None
    return ShokoFile(
        instance_id=instance_id,
        event=event,
        relative_path=_relative_path(payload),
        import_folder_id=_folder_id(payload),
        file_id=_id(payload, "FileID"),
        cross_references=tuple(
            _file_cross_reference(item)
            for item in payload.object_list("CrossReferences")
        ),
        auto_match_attempts=attempts if attempts is None or attempts >= 0 else None,
        udp_banned=payload.flag("IsUDPBanned") if not_matched else False,
    )


def _file_relocated(payload: _Payload, instance_id: str) -> Observation:
    """Read v6 ``file:relocated``: a pure rename is RENAMED, the rest MOVED."""
    renamed_only = payload.flag("Renamed") and not payload.flag("Moved")
    event = ShokoFileEvent.RENAMED if renamed_only else ShokoFileEvent.MOVED
    return _file(payload, instance_id, event)


def _release_saved(payload: _Payload, instance_id: str) -> Observation:
    """Read v6 ``release:saved``: the file is matched to the release's episodes."""
    file_id = _require_file_id(payload)
    release = payload.optional_payload("Release")
    items = release.payload_list("CrossReferences") if release is not None else ()
    return ShokoFile(
        instance_id=instance_id,
        event=ShokoFileEvent.MATCHED,
        relative_path="",
        file_id=file_id,
        cross_references=tuple(_release_cross_reference(item) for item in items),
    )


def _release_removed(payload: _Payload, instance_id: str) -> Observation:
    """Read v6 ``release:removed``: the file has no match any more."""
    file_id = _id(payload, "FileID")
    if file_id is None:
        return Ignored(
            source=SOURCE,
            event_type="release:removed",
            reason="the release of a deleted file was removed",
        )
    return ShokoFile(
        instance_id=instance_id,
        event=ShokoFileEvent.NOT_MATCHED,
        relative_path="",
        file_id=file_id,
    )


def _release_search_completed(payload: _Payload, instance_id: str) -> Observation:
    """Read v6 ``release:search.completed``: no release found means NOT_MATCHED."""
    file_id = _require_file_id(payload)
    if payload.optional_payload("ReleaseInfo") is not None:
        return Ignored(
            source=SOURCE,
            event_type="release:search.completed",
            reason="a found release is reported by release:saved",
        )
    return ShokoFile(
        instance_id=instance_id,
        event=ShokoFileEvent.NOT_MATCHED,
        relative_path="",
        file_id=file_id,
    )


def _metadata_handler(kind: str) -> _Handler:
    """Return the handler of a series/episode/movie metadata event."""
    id_key = _METADATA_KINDS[kind]

    def handle(payload: _Payload, instance_id: str) -> Observation:
        episode_ids = dict.fromkeys(payload.id_list("ShokoEpisodeIDs"))
        # SeriesUpdated lists its episodes, each with their Shoko episode ids.
        for episode in payload.payload_list("Episodes"):
            episode_ids.update(dict.fromkeys(episode.id_list("ShokoEpisodeIDs")))
        return ShokoMetadata(
            instance_id=instance_id,
            kind=kind,
            source=payload.optional_str("Source"),
            reason=payload.optional_str("Reason"),
            source_id=_id(payload, id_key),
            shoko_series_ids=payload.id_list("ShokoSeriesIDs"),
            shoko_episode_ids=tuple(episode_ids),
        )

    return handle


_HANDLERS: Final[dict[str, _Handler]] = {
    **{name: _file_handler(event) for name, event in _V5_FILE_EVENTS.items()},
    **{name: _file_handler(event) for name, event in _V6_FILE_EVENTS.items()},
    "file:relocated": _file_relocated,
    "release:saved": _release_saved,
    "release:removed": _release_removed,
    "release:search.completed": _release_search_completed,
    **{name: _metadata_handler(kind) for name, kind in _V5_METADATA_EVENTS.items()},
    **{name: _metadata_handler(kind) for name, kind in _V6_METADATA_EVENTS.items()},
}

# Every event name this parser understands (register a SignalR handler for each).
SHOKO_EVENT_NAMES: Final = frozenset({*_HANDLERS, _ON_CONNECTED})
