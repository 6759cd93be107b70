"""Stage 1, read: which files are documents, and what each one says about itself.

From bytes in git to a `Document` of canonical fields, each value with its position. Nothing here
knows rules, packs or output formats; the safe YAML loader here also reads configs, packs and
baselines, since those are files users write too.
"""
