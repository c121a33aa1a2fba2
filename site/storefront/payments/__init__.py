"""Payments: Stripe card payments at checkout, sellers' payouts through Stripe Connect, webhooks.

Every call to Stripe goes through ``gateway``; the money arithmetic (the split
of an order between growers and the platform, refunds) is pure functions in
``split``; ``services`` joins them to the database under row locks.
"""
