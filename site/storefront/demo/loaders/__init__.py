"""Loaders that read content/ into the database; each is safe to run twice."""
