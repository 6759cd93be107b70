from qmslint.cli import main

raise SystemExit(main())
