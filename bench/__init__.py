"""Benchmarks: query throughput against other endpoints, build cost against corpus size."""
