"""The verbs other than `check`, each in its own module: `show` (what was read), `init`."""
