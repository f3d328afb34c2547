from fundclient.cli import main

raise SystemExit(main())
