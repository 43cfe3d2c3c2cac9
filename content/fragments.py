"""Rendered parts of pages, kept in this process's memory and reused.

A page made with nothing cached still repeats work whose result cannot have
changed since the last request: the header and footer for the same center
profile and language, and above all an approved article version, which is
immutable (``content.models.ArticleVersion``). Those parts are rendered once
and kept here, keyed by everything they depend on, so that a key that still
matches is always right: nothing is ever invalidated, a change simply makes
a new key and the old entry ages out of the bounded LRU.

Memory only, per process: no other app server, cache or log sees a
fragment. Never used for what a visitor typed, nor for staff previews.
"""

import threading
from collections import OrderedDict
from contextlib import contextmanager

# Enough for every article in a few languages, the chrome of every page
# type, and room to spare; an entry is a few to some tens of kilobytes.
MAX_ENTRIES = 512


class FragmentCache:
    """A small thread-safe LRU of rendered HTML strings."""

    def __init__(self, max_entries=MAX_ENTRIES):
        self.max_entries = max_entries
        self.enabled = True
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        """The value stored under ``key``, or None."""
        if not self.enabled:
            return None
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def set(self, key, value):
        if not self.enabled:
            return
        with self._lock:
            self._entries[key] = value
            if len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get_or_render(self, key, render):
        """The fragment stored under ``key``, or ``render()``'s result, now stored."""
        found = self.get(key)
        if found is not None:
            return found
        value = render()
        self.set(key, value)
        return value

    def clear(self):
        with self._lock:
            self._entries.clear()

    def __len__(self):
        return len(self._entries)


fragments = FragmentCache()


@contextmanager
def fragments_disabled():
    """Render everything afresh inside the block (tests compare the two)."""
    previous, fragments.enabled = fragments.enabled, False
    try:
        yield
    finally:
        fragments.enabled = previous
