"""``python -m bench`` (``make bench``): every benchmark of the project, each writing its Markdown fragment."""

from __future__ import annotations

import sys

from bench import imports


def main() -> int:
    return imports.main([])


if __name__ == "__main__":
    sys.exit(main())
