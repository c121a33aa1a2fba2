"""VibeLux grow-room integration: harvests become listings, forecasts become availability, lots stay traceable.

Data from VibeLux (webhooks, a periodic pull, or a file a seller uploads) is
validated against the contract in schemas/ and goes through one pipeline
(ingest.py). See docs/vibelux.md.
"""

__version__ = "1.0.0"
