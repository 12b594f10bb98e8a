"""Stories: independent reports of one event under one id (:mod:`.index`), cut by concept:
the story (:mod:`.model`), an article's terms by field (:mod:`.terms`), comparing an article
with a story (:mod:`.matching`), which stories stay in memory (:mod:`.memory`), term ->
story postings (:mod:`.postings`) and document frequencies (:mod:`.docfreq`)."""
from cleaners.corpus.stories.index import Changes, StoryIndex, batch_terms
from cleaners.corpus.stories.memory import Archive
from cleaners.corpus.stories.model import DAY, Story, timestamp

__all__ = ["Archive", "Changes", "DAY", "Story", "StoryIndex", "batch_terms", "timestamp"]
