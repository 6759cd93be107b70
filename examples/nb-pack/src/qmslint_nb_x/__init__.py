"""qmslint rule pack of the (fictional) Notified Body NB-X: rules, a profile, a check function."""
