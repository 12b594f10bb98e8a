"""The corpus's tables in the store, one module per table family: the dedupe index
(:mod:`.dedupe`), the story index (:mod:`.stories`), the score data of stories and articles
(:mod:`.texts`), the reuse index (:mod:`.reuse`) and the sites' template lines
(:mod:`.templates`). Each module declares its own SQL schema
and creates it when its tables are opened (:meth:`cleaners.store.Store.ensure`), so the store
(:mod:`cleaners.store`) stays generic and never imports the corpus. An index reads its
saved state through its tables, given to its constructor as its archive."""
from cleaners.corpus.tables.dedupe import DedupeTables
from cleaners.corpus.tables.reuse import ReuseTables
from cleaners.corpus.tables.stories import StoryTables
from cleaners.corpus.tables.templates import TemplateTables
from cleaners.corpus.tables.texts import TextTables

__all__ = ["DedupeTables", "ReuseTables", "StoryTables", "TemplateTables", "TextTables"]
