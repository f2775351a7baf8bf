"""Tools to build a programme at scale and measure the benchmarks on it (dev and CI only).

``seeding`` generates a realistic synthetic programme; ``direct`` computes the
headline comparison straight from every tenant schema (what the rollups exist
to avoid); ``latency`` times the comparison endpoints in-process.
"""
