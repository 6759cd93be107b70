from qmslint.entry import main

raise SystemExit(main())
