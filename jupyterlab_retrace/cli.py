"""The `retrace` console script."""
import sys

from ._node import exec_cli


def main() -> None:
    exec_cli(sys.argv[1:])


if __name__ == "__main__":
    main()
