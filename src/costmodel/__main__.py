"""``python -m costmodel`` is the same as the ``costmodel`` command."""

from costmodel.cli import main

raise SystemExit(main())
