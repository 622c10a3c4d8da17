"""Integration tests against real service binaries started by the tests."""
