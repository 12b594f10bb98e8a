"""python -m newsclean: the same as the newsclean command."""
from newsclean.cli import entry

entry()
