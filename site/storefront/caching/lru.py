"""Small per-process LRUs for answers whose keys name everything they depend on.

A key that changes whenever the answer would (an index or purge
generation, the parameters, the theme...) means nothing ever needs
invalidating: entries that can no longer be asked for just age out. Used
for search answers and facet lists (storefront.search), and, with expiry
times, for what a process keeps of the shared cache: product cards, page
fragments and hot pages (TimedLRU).
"""

import threading
import time
from collections import OrderedDict


class LRU:
    """A bounded, thread-safe mapping that forgets the least recently used entries first."""

    def __init__(self, size):
        self.size = size
        self.items = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def set(self, key, value):
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self):
        with self.lock:
            self.items.clear()


class TimedLRU(LRU):
    """An LRU of values with expiry times: what a process keeps of the shared cache."""

    def fresh(self, key):
        """The value under key if it has not expired, else None."""
        item = self.get(key)
        if item is not None and item[0] > time.monotonic():
            return item[1]
        return None

    def put(self, key, value, seconds):
        self.set(key, (time.monotonic() + seconds, value))

    def get_many(self, keys):
        found = {key: self.fresh(key) for key in keys}
        return {key: value for key, value in found.items() if value is not None}

    def set_many(self, values, seconds):
        for key, value in values.items():
            self.put(key, value, seconds)
