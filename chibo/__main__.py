import sys

from chibo.cli import main

sys.exit(main())
