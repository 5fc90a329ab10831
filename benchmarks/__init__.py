"""Benchmarks: scripts that print a table and write JSON, each contender measured against a baseline in one run."""
