"""A small per-process LRU for rendered fragments whose keys name everything they depend on.

A key that changes whenever the fragment would (an index or purge
generation, the parameters, the theme...) means nothing ever needs
invalidating: entries that can no longer be asked for just age out.
"""

import threading
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
