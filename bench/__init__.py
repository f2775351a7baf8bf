"""Benchmarks: each script measures a baseline and the thing itself in the same run and
prints ``RATIO <name> <value> <target>`` as its last line. ``python3 deploy/dev.py bench``
runs them all against a throwaway PostgreSQL and Redis and prints one table.
"""
