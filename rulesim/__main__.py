"""``python -m rulesim``: the same as the ``rulesim`` command."""

from rulesim.cli import main

if __name__ == "__main__":
    main()
