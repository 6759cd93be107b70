"""Stage 2, index: the repository as rules see it: documents by id and clause, coverage, devices."""
