"""Benchmarks of issue 9 item 6 (run with script/bench; skipped otherwise)."""
