#!/usr/bin/env python
"""Django's command-line utility for the storefront."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# The project package lives in site/ and first-party plugins in plugins/;
# an installed checkout has both on sys.path already, this covers a bare one.
for folder in ("site", "plugins"):
    if str(ROOT / folder) not in sys.path:
        sys.path.insert(0, str(ROOT / folder))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storefront.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
