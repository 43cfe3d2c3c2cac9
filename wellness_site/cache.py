"""Django's Redis cache, made to fail quietly.

The cache holds copies (pages, the center profile) and counters (rate
limits); none of it is the only record of anything. So when Redis is down or
slow, a cache call logs a warning (at most once every 30 seconds a process)
and answers as if the key were missing: pages are rendered from the
database, and forms are accepted without rate limiting rather than refused.
Short socket timeouts (settings.py) keep a dead Redis from stalling pages,
and a circuit breaker keeps a hung one from stalling them again and again:
after a failure, every call in this process answers at once, without
touching Redis, for ``OPEN_SECONDS``; then one call tries again. A hung
Redis so costs one timeout per process per period, not one per cache call.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 30
_last_warning = 0.0
# How long the breaker stays open after a failure before one call tries again.
OPEN_SECONDS = 15
# Per Redis location, the monotonic time until which calls skip Redis.
_open_until = {}


def _warn(operation, error):
    global _last_warning  # one process-wide timer, so a dead Redis is not a log flood
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning(
            "cache unavailable (%s during %s); carrying on without it",
            type(error).__name__,
            operation,
        )


def _quietly(fallback):
    """Run the cache operation; on a Redis error, log and return ``fallback(args)``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            location = self._servers[0] if self._servers else ""
            if _open_until.get(location, 0) > time.monotonic():
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                _open_until[location] = time.monotonic() + OPEN_SECONDS
                _warn(method.__name__, error)
                return fallback(*args, **kwargs)
            _open_until.pop(location, None)
            return result

        return wrapper

    return decorate


def _missing(key, default=None, version=None):
    return default


class ResilientRedisCache(RedisCache):
    get = _quietly(_missing)(RedisCache.get)
    get_many = _quietly(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _quietly(lambda *a, **k: False)(RedisCache.has_key)
    add = _quietly(lambda *a, **k: False)(RedisCache.add)
    set = _quietly(lambda *a, **k: None)(RedisCache.set)
    set_many = _quietly(lambda *a, **k: [])(RedisCache.set_many)
    touch = _quietly(lambda *a, **k: False)(RedisCache.touch)
    delete = _quietly(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _quietly(lambda *a, **k: None)(RedisCache.delete_many)
    # A counter that cannot be read counts as zero: fail open, never refuse a form.
    incr = _quietly(lambda *a, **k: 0)(RedisCache.incr)
    clear = _quietly(lambda *a, **k: False)(RedisCache.clear)
