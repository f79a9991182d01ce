"""``search_entry_hits``: the candidates, their visibility, filters, phrases and rank in one scan.

Replaces ``search_entry_candidates`` (0003), which returned ids only: each candidate was then
looked up again by id to be checked and ranked. Now the row the scan reads is checked and
ranked at once, and the first window may be read by walking the primary key backwards, which
suits a word found in nearly every entry (the GIN bitmap scan of 0003 listed every row of the
table before the newest could be picked).

For every candidate (the newest ``cap`` entries whose vector matches ``words``, newest first)
the function returns its id and, when the entry has one of ``visibilities``, contains the
``filters`` (a JSON object of one-value lists) and matches ``phrases`` (NULL for none), its rank
and facets; NULL otherwise.

The candidates are searched in windows of the newest ids, eight times larger each time, each
window appending its matches until ``cap`` are found:
- in the first window (8 x ``cap`` ids) the planner chooses between walking the primary key
  backwards, checking each row's vector (stored in line, so cheap), and a GIN bitmap AND-ed
  with the id range: either reads at most the window's rows;
- later windows, and the rest of the table, use GIN bitmap scans only. Left alone, the planner
  may walk the primary key backwards through every row for a rare word, or scan the table.
``words`` must hold no phrase or weight operator: those make a GIN scan read every vector.
The settings apply to this function only, set_config's included; custom plans let the planner
see each window's bounds. JIT is off: compiling costs more than these queries.
"""

from django.db import migrations


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


# ts_rank's weights are {D, C, B, A}: the title and body's stems are D, the title's stems A,
# so a word in the title counts four times (0.1 + 0.3), as on SQLite.
HITS_FUNCTION = """
CREATE FUNCTION search_entry_hits(
    words tsquery, phrases tsquery, visibilities text[], filters jsonb, cap integer
) RETURNS TABLE (entry_id bigint, rank real, entry_facets jsonb)
    LANGUAGE plpgsql STABLE
    SET enable_seqscan = off SET enable_indexscan = on SET jit = off
    SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    oldest bigint;
    upper bigint;
    lower bigint;
    span bigint := cap::bigint * 8;
    wanted bigint := cap;
    found bigint;
BEGIN
    SELECT max(e.id), min(e.id) INTO upper, oldest FROM search_searchentry AS e;
    lower := upper - span;
    LOOP
        IF lower <= oldest THEN
            lower := NULL;  -- The rest of the table.
        END IF;
        IF lower IS NULL OR span > cap::bigint * 8 THEN
            PERFORM set_config('enable_indexscan', 'off', true);
        END IF;
        -- The vector stays below the sort (of a bitmap scan's rows): sorting it would spill.
        RETURN QUERY
            SELECT c.id, CASE WHEN c.hit THEN c.rank END, CASE WHEN c.hit THEN c.facets END
            FROM (
                SELECT e.id, e.facets,
                       e.visibility = ANY (visibilities) AND e.facets @> filters
                       AND (phrases IS NULL OR e.search_vector @@ phrases) AS hit,
                       ts_rank('{0.1, 0.1, 0.1, 0.3}', e.search_vector, words) AS rank
                FROM search_searchentry AS e
                WHERE e.search_vector @@ words AND e.id <= upper
                  AND (lower IS NULL OR e.id > lower)
                ORDER BY e.id DESC
                LIMIT wanted
            ) AS c;
        GET DIAGNOSTICS found = ROW_COUNT;
        wanted := wanted - found;
        EXIT WHEN wanted <= 0 OR lower IS NULL;
        upper := lower;
        span := span * 8;
        lower := upper - span;
    END LOOP;
END $$
"""

# 0003's function.
CANDIDATES_FUNCTION = """
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
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0003_stemmed_title_narrow_index")]

    operations = [
        VendorRunSQL(
            "postgresql",
            ["DROP FUNCTION search_entry_candidates(tsquery, integer)", HITS_FUNCTION],
            [
                "DROP FUNCTION search_entry_hits(tsquery, tsquery, text[], jsonb, integer)",
                CANDIDATES_FUNCTION,
            ],
        ),
    ]
