"""Tests for the upstream service clients."""
