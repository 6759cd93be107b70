"""The built-in plugins: the core (readers, check kinds, formatters, document control) and one
plugin per regulatory profile, each registered through the `qmslint` entry-point group."""
