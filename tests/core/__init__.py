"""Tests of the pure lifecycle model and tracker (no Home Assistant)."""
