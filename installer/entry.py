"""Entry point of the bundled executables: the same CLI as `python -m fundclient`."""

import multiprocessing
import sys

from fundclient.launch import main  # --version answered before the CLI is imported

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen child process must not re-run the CLI
    sys.exit(main())
