"""Tests for the Status Tracker integration."""
