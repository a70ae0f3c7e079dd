"""Kith: a local-first personal relationship manager.

Follow up with the people you meet, keep in touch on a cadence that fits each
relationship, and rebuild dormant connections with a genuine, personal message.
"""

__version__ = "0.1.0"
