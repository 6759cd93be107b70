"""qmslint: lint the metadata of a Quality Management System kept in git."""

__version__ = "0.1.0"
