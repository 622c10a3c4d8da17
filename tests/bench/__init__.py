"""The performance benchmarks (run with script/bench; skipped otherwise)."""
