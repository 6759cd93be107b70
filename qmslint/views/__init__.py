"""What the verbs other than `check` print about a repository: `show` (what was read)."""
