"""Operations: waiting for migrations, exporting and restoring one authority."""
