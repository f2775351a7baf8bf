"""Lookup caches stay bounded: by age and by size."""

from __future__ import annotations

import time

from api import routing
from tenants.ttl_cache import TTLCache


def test_entries_expire_after_their_time():
    cache: TTLCache[str, int] = TTLCache(seconds=0.05, size=10)
    cache.put("a", 1)
    assert cache.get("a") == (True, 1)
    time.sleep(0.06)
    assert cache.get("a") == (False, None)


def test_the_least_recently_used_entry_goes_first_when_full():
    cache: TTLCache[str, int] = TTLCache(seconds=60, size=2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("c", 3)
    assert len(cache) == 2
    assert cache.get("b") == (False, None)
    assert cache.get("a") == (True, 1)


def test_unknown_hosts_cannot_grow_the_host_cache_without_bound(db, anonymous, settings):
    small: TTLCache = TTLCache(seconds=60, size=5)
    original, routing._cache = routing._cache, small
    try:
        for n in range(20):
            assert (
                anonymous(None).get("/api/v1/me", HTTP_HOST=f"junk{n}.localhost").status_code == 404
            )
        assert len(small) == 5
    finally:
        routing._cache = original


def test_unknown_hosts_ten_times_the_cache_size_leave_it_at_its_size(db):
    # Each lookup of an unknown host reads the database; ten times the size is enough to
    # show the bound (the full-size cache under 10,000 hosts is bench/scale.py's part).
    bounded: TTLCache = TTLCache(seconds=60, size=100)
    original, routing._cache = routing._cache, bounded
    try:
        for n in range(1_000):
            assert routing.authority_for_host(f"probe{n}.localhost") is None
        assert len(bounded) == 100
        assert bounded.get("probe999.localhost") == (True, None)  # the newest are kept
        assert bounded.get("probe0.localhost") == (False, None)
    finally:
        routing._cache = original
