"""Creating authority schemas: a migrated template, a faithful clone, a fidelity check."""
