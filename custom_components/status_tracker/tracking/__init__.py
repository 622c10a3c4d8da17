"""The tracker's core and its per-source rules (no Home Assistant imports)."""
