from fundclient.launch import main

raise SystemExit(main())
