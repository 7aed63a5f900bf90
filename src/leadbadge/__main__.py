"""``python -m leadbadge`` runs the command-line interface."""

from leadbadge.cli import main

if __name__ == "__main__":
    main()
