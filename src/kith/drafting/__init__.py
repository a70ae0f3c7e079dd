"""Drafting: render draft messages from templates (built-in or the user's own, sandboxed)."""
