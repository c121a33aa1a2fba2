"""Search backends: embedded (the default, no server) and Elasticsearch 8/9."""
