"""``python -m preview`` is the ``preview`` command."""

from preview.cli import main

if __name__ == "__main__":
    main()
