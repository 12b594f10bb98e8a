"""python -m newsclean: the same as the newsclean command."""
from newsclean.cli import entry

if __name__ == "__main__":  # worker processes import this module again (forkserver)
    entry()
