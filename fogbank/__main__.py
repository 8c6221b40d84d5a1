from fogbank.cli import main

raise SystemExit(main())
