"""Tests of the demo (script/demo)."""
