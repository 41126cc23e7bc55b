"""``python -m minzheng``: the same as the ``minzheng`` command."""

from minzheng.cli import main

main()
