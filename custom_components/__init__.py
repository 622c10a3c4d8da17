"""Custom components package (lets pytest import the project's integration first)."""
