"""Fork of oscar.apps.checkout: Stripe card payment, safe order placement, emails after commit.

Why it is forked, and what it changes, is in apps.py's docstring.
"""
