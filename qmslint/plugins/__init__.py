"""Plugins: the hook specifications, the host that calls each plugin on its own, the built-ins."""
