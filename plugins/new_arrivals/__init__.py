"""New arrivals: the example plugin of docs/plugins.md. A "New" badge on recently added products."""

__version__ = "1.0.0"
