"""Validating qmslint as QMS software (SPEC §12, ISO 13485 4.1.6): `qmslint validate-tool`.

suite.py loads the shipped and the plugins' suites (requirements, cases, repositories),
runner.py runs each case against the installed qmslint in a temporary repository, outputs.py
reads the findings back from each output format, evidence.py builds the report.
"""
