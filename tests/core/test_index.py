"""The correlation index's buckets: one id alone, a set when several share a key."""

from __future__ import annotations

from custom_components.status_tracker.core.correlation import CorrelationIndex
from custom_components.status_tracker.core.model import Request
from custom_components.status_tracker.core.observations import MediaType

KEY = ("tmdb", MediaType.MOVIE, 603)


def _movie(request_id: str) -> Request:
    return Request(
        id=request_id,
        media_type=MediaType.MOVIE,
        title="Example Movie",
        created_at="",
        tmdb_id=603,
    )


def test_three_requests_share_a_key_and_leave_one_by_one() -> None:
    """A shared key grows from one id to a set and shrinks back to one id."""
    index = CorrelationIndex()
    a, b, c = (_movie(i) for i in "abc")
    for request in (a, b, c):
        index.update(request)
    # Re-indexing an unchanged request adds nothing.
    assert index.update(b) == set()
    assert index.lookup([KEY]) == {"a", "b", "c"}
    index.remove("c")
    assert index.lookup([KEY]) == {"a", "b"}
    index.remove("b")
    assert index.lookup([KEY]) == {"a"}
    assert index.lookup([("tmdb", MediaType.MOVIE, 604)]) == set()
    # A request that lost the key while another still has it.
    a.tmdb_id = None
    index.update(a)
    assert index.lookup([KEY]) == set()
    index.update(b)
    a.tmdb_id = 603
    index.update(a)
    b.tmdb_id = 604
    index.update(b)
    assert index.lookup([KEY]) == {"a"}
    assert index.lookup([("tmdb", MediaType.MOVIE, 604)]) == {"b"}


def test_deferred_requests_are_indexed_before_any_use() -> None:
    """A stored request indexed later is found, removed and re-keyed correctly."""
    index = CorrelationIndex()
    stored = _movie("a").to_dict()
    index.defer("a", stored)
    index.defer("b", {**_movie("b").to_dict(), "tmdb_id": 604})
    assert index.lookup([KEY]) == {"a"}

    index.defer("c", {**_movie("c").to_dict(), "tmdb_id": 605})
    # Built and changed before its turn: the new keys win over the stored ones.
    changed = _movie("c")
    changed.tmdb_id = 606
    index.update(changed)
    assert index.lookup([("tmdb", MediaType.MOVIE, 605)]) == set()
    assert index.lookup([("tmdb", MediaType.MOVIE, 606)]) == {"c"}

    index.defer("d", {**_movie("d").to_dict(), "tmdb_id": 607})
    index.remove("d")
    assert index.lookup([("tmdb", MediaType.MOVIE, 607)]) == set()
    assert index.index_deferred() is False
