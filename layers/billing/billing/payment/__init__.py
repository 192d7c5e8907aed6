"""Payments: money received against one invoice, in its currency."""
