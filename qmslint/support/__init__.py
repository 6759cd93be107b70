"""Infrastructure every stage may use and that knows no stage: shipped data, files, the cache."""
