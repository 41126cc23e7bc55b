"""``python -m minzheng``: the same as the ``minzheng`` command."""

from .cli import main

main()
