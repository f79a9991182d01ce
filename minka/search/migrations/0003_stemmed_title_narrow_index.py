"""A separate stemmed title, and an engine index that reads less per query.

SQLite: the FTS5 table indexes only the stems, title (weighted) and title plus body, instead of
the raw title and body as well: a word matches through its stem in any case, and each query
term now reads one doclist instead of two.

PostgreSQL: the generated ``tsvector`` weighs the title's stems (A) above the title and body's
(D). Body and stems are stored out of line and the vector in line, so checking a candidate
reads one short row; ``search_entry_candidates`` finds the newest matching ids through the GIN
index, visiting only the newest rows when a word is frequent.

Entries written before this migration have an empty ``stemmed_title``: they are found as
before and rank without the title weight until ``minka reindex``.
"""

from django.db import migrations, models


class VendorRunSQL(migrations.RunSQL):
    """``RunSQL`` that runs only when the database vendor is ``vendor``."""

    def __init__(self, vendor, *args, **kwargs):
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


SQLITE_DROP_OLD = [
    "DROP TRIGGER IF EXISTS search_searchentry_fts_au",
    "DROP TRIGGER IF EXISTS search_searchentry_fts_ad",
    "DROP TRIGGER IF EXISTS search_searchentry_fts_ai",
    "DROP TABLE IF EXISTS search_searchentry_fts",
]
SQLITE_CREATE_OLD = [
    """
    CREATE VIRTUAL TABLE search_searchentry_fts USING fts5(
        title, body, stemmed,
        content='search_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER search_searchentry_fts_ai AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_searchentry_fts(rowid, title, body, stemmed)
        VALUES (new.id, new.title, new.body, new.stemmed);
    END
    """,
    """
    CREATE TRIGGER search_searchentry_fts_ad AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_searchentry_fts(search_searchentry_fts, rowid, title, body, stemmed)
        VALUES ('delete', old.id, old.title, old.body, old.stemmed);
    END
    """,
    """
    CREATE TRIGGER search_searchentry_fts_au AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_searchentry_fts(search_searchentry_fts, rowid, title, body, stemmed)
        VALUES ('delete', old.id, old.title, old.body, old.stemmed);
        INSERT INTO search_searchentry_fts(rowid, title, body, stemmed)
        VALUES (new.id, new.title, new.body, new.stemmed);
    END
    """,
    "INSERT INTO search_searchentry_fts(search_searchentry_fts) VALUES ('rebuild')",
]

SQLITE_CREATE_NEW = [
    """
    CREATE VIRTUAL TABLE search_searchentry_fts USING fts5(
        stemmed_title, stemmed,
        content='search_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER search_searchentry_fts_ai AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_searchentry_fts(rowid, stemmed_title, stemmed)
        VALUES (new.id, new.stemmed_title, new.stemmed);
    END
    """,
    """
    CREATE TRIGGER search_searchentry_fts_ad AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_searchentry_fts(search_searchentry_fts, rowid, stemmed_title, stemmed)
        VALUES ('delete', old.id, old.stemmed_title, old.stemmed);
    END
    """,
    # A change of visibility or facets only leaves the text index alone.
    """
    CREATE TRIGGER search_searchentry_fts_au AFTER UPDATE ON search_searchentry
    WHEN old.stemmed IS NOT new.stemmed OR old.stemmed_title IS NOT new.stemmed_title
      OR old.id IS NOT new.id
    BEGIN
        INSERT INTO search_searchentry_fts(search_searchentry_fts, rowid, stemmed_title, stemmed)
        VALUES ('delete', old.id, old.stemmed_title, old.stemmed);
        INSERT INTO search_searchentry_fts(rowid, stemmed_title, stemmed)
        VALUES (new.id, new.stemmed_title, new.stemmed);
    END
    """,
    "INSERT INTO search_searchentry_fts(search_searchentry_fts) VALUES ('rebuild')",
]
SQLITE_DROP_NEW = SQLITE_DROP_OLD

POSTGRES_FORWARD = [
    # Drops the GIN index on it too.
    "ALTER TABLE search_searchentry DROP COLUMN search_vector",
    # Body and stems go out of line and the vector stays in (MAIN; out of line only past
    # 8 kB): looking a candidate up reads its facets and vector from one short row. Set
    # before the column is added, which rewrites the table.
    "ALTER TABLE search_searchentry SET (toast_tuple_target = 128)",
    "ALTER TABLE search_searchentry ALTER COLUMN facets SET STORAGE MAIN",
    """
    ALTER TABLE search_searchentry
        ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple'::regconfig, stemmed_title), 'A')
            || to_tsvector('simple'::regconfig, stemmed)
        ) STORED,
        ALTER COLUMN search_vector SET STORAGE MAIN
    """,
    # A small pending list: every query reads all of it.
    """
    CREATE INDEX search_entry_vector ON search_searchentry USING gin (search_vector)
        WITH (gin_pending_list_limit = 256)
    """,
    # The newest ``cap`` ids whose vector matches ``query``, from GIN bitmap scans that read
    # no vector (``query`` must hold no phrase or weight operator, which would). A frequent
    # word matches thousands of entries: the newest ids are searched first (the bitmap of the
    # word AND-ed with a primary key range), so that only those rows are visited; the window
    # grows eightfold until ``cap`` ids are found or it spans the table. Left alone, the
    # planner prefers walking the primary key backwards, checking every row until ``cap``
    # match (slow for a rare word), or a sequential scan. The settings apply to this
    # function only, set_config's included; custom plans let the planner see each window's
    # size. JIT is off: compiling costs more than these queries.
    """
    CREATE FUNCTION search_entry_candidates(query tsquery, cap integer) RETURNS SETOF bigint
        LANGUAGE plpgsql STABLE
        SET enable_seqscan = off SET enable_indexscan = on SET jit = off
        SET plan_cache_mode = force_custom_plan
    AS $$
    DECLARE
        newest bigint;
        oldest bigint;
        span bigint := cap::bigint * 8;
        ids bigint[];
    BEGIN
        SELECT max(e.id), min(e.id) INTO newest, oldest FROM search_searchentry AS e;
        PERFORM set_config('enable_indexscan', 'off', true);
        WHILE newest - span > oldest LOOP
            ids := ARRAY(
                SELECT e.id FROM search_searchentry AS e
                WHERE e.search_vector @@ query AND e.id > newest - span
                ORDER BY e.id DESC LIMIT cap
            );
            IF cardinality(ids) >= cap THEN
                RETURN QUERY SELECT unnest(ids);
                RETURN;
            END IF;
            span := span * 8;
        END LOOP;
        RETURN QUERY
            SELECT e.id FROM search_searchentry AS e WHERE e.search_vector @@ query
            ORDER BY e.id DESC LIMIT cap;
    END $$
    """,
]
POSTGRES_BACKWARD = [
    "DROP FUNCTION IF EXISTS search_entry_candidates(tsquery, integer)",
    "ALTER TABLE search_searchentry ALTER COLUMN facets SET STORAGE EXTENDED",
    "ALTER TABLE search_searchentry RESET (toast_tuple_target)",
    "ALTER TABLE search_searchentry DROP COLUMN search_vector",
    """
    ALTER TABLE search_searchentry ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, stemmed)) STORED
    """,
    "CREATE INDEX search_entry_vector ON search_searchentry USING GIN (search_vector)",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_index")]

    operations = [
        # SQLite rebuilds the table to add a column: the old FTS5 table and triggers go first.
        VendorRunSQL("sqlite", SQLITE_DROP_OLD, SQLITE_CREATE_OLD),
        migrations.AddField(
            model_name="searchentry",
            name="stemmed_title",
            field=models.TextField(blank=True, verbose_name="stemmed title"),
        ),
        VendorRunSQL("sqlite", SQLITE_CREATE_NEW, SQLITE_DROP_NEW),
        VendorRunSQL("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
    ]
