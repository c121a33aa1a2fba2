"""Abuse limits and safe output: rate limits with clear 429s, security headers,
and sanitising of HTML that sellers and editors write."""
