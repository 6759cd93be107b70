"""Rule packs and profiles: loading, resolving `extends`, and choosing the rules of a run."""
