"""``python -m cloud_relay``: the same as the ``cloud-relay`` command."""

import sys

from cloud_relay.cli import main

sys.exit(main())
