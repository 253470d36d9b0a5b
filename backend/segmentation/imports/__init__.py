"""Bulk import of a bank's customers file (CSV or Parquet): read, validate, upsert."""
