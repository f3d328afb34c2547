"""Search keys stored beside a record: normalised names, sound keys, sound-key pairs, and
the FTS5 queries over them.

Normalisation is the domain's (`domain.arabic`): one definition for search, duplicates and
import. Keys are derived again from the record on every save, never typed in.

Why pairs: Libyan names draw on a small stock of words, so محمد or علي alone match a large
share of a million records and FTS must walk huge posting lists. The pair "first word's
sound key x family name's sound key" is rare; a query made of pairs reads short lists.
Sound keys (not spellings) make pairs tolerant of أ/ا, ة/ه, ى/ي, امحمد/محمد, ص/س...
"""

from __future__ import annotations

from functools import lru_cache

from fundclient.domain.arabic import name_tokens, name_tokens_of_parts, normalise_name, phonetic_key
from fundclient.domain.name_match import article_forms
from fundclient.domain.records import ArabicName, Beneficiary

MAX_PAIR_WORDS = 6  # 15 pairs at most per record
PAIR_JOIN = "x"  # a Latin letter: never inside an Arabic sound key, kept inside one FTS token


def name_norm(text: str) -> str:
    return normalise_name(text)


def name_phon(text: str) -> str:
    return " ".join(phonetic_key(token) for token in name_tokens(text))


def _pair(a: str, b: str) -> str:
    return f"{phonetic_key(a)}{PAIR_JOIN}{phonetic_key(b)}"


def name_pairs_from_norm(norm: str) -> str:
    """Every ordered pair (i < j) of the first MAX_PAIR_WORDS words, as sound-key tokens."""
    words = [w for w in norm.split() if phonetic_key(w)][:MAX_PAIR_WORDS]
    return " ".join(_pair(a, b) for i, a in enumerate(words) for b in words[i + 1:])


def _keys_of_tokens(tokens: list[str]) -> tuple[str, str, str]:
    """(name_norm, name_phon, name_pairs) of a name's tokens: each word's sound key found
    once (`name_phon` and `name_pairs_from_norm` of the same norm). A norm's words are its
    tokens: normalising twice changes nothing."""
    keys = [phonetic_key(token) for token in tokens]
    keyed = [k for k in keys if k][:MAX_PAIR_WORDS]
    return (" ".join(tokens), " ".join(keys),
            " ".join(f"{a}{PAIR_JOIN}{b}" for i, a in enumerate(keyed) for b in keyed[i + 1:]))


# An import's batch check files each accepted row's names by these keys (~1,700 names per batch
# of 500 rows), some more than once: a small cache, as domain.name_match's. The rows written
# take their keys from the names' parts (`name_keys_of`: each part's tokens remembered).
@lru_cache(maxsize=1 << 11)
def name_keys(full_name: str) -> tuple[str, str, str]:
    """(name_norm, name_phon, name_pairs) of a holder's or a dependant's full name."""
    return _keys_of_tokens(name_tokens(full_name))


def name_keys_of(name: ArabicName) -> tuple[str, str, str]:
    """`name_keys(name.full())`, from the parts (`arabic.name_tokens_of_parts`)."""
    return _keys_of_tokens(name_tokens_of_parts((name.first, name.father, name.grandfather, name.family)))


def record_keys(beneficiary: Beneficiary) -> tuple[str, str, str]:
    return name_keys_of(beneficiary.name)


def name_ends(phon: str) -> str:
    """The `name_ends` key of a name (its `name_phon`): the sound key of its first word «x» that of
    its last word, each in its place (an empty key an empty word; `ends_sql` in SQL)."""
    words = phon.split(" ")
    return f"{words[0]}{PAIR_JOIN}{words[-1]}"


# The names by their ends' sound (migration 0010): a narrow table clustered by `name_ends`, what
# the ranking needs in each row; kept by these triggers, and by a bulk load's catch-up.
# `person`: the holder's `beneficiaries.id`, or minus the dependant's `dependants.id` (as `duplicate_keys`).
NAME_ENDS_TABLE = ("CREATE TABLE name_ends (ends TEXT NOT NULL, person INTEGER NOT NULL, name_norm TEXT NOT NULL,"
                   " PRIMARY KEY (ends, person)) WITHOUT ROWID")


def ends_sql(phon: str) -> str:
    """The `ends` key of a `name_phon` column in SQL: its first word «x» its last word (words one
    space apart, an empty key an empty word; `search_keys.name_ends` is the same in Python)."""
    first = f"substr({phon}, 1, instr({phon} || ' ', ' ') - 1)"
    last = f"substr({phon}, length(rtrim({phon}, replace({phon}, ' ', ''))) + 1)"
    return f"{first} || 'x' || {last}"


def name_ends_rows(source: str, person: str, row: str, where: str = "") -> str:
    """The `name_ends` rows of `source` (alias `row`), a SELECT."""
    return f"SELECT {ends_sql(row + '.name_phon')}, {person}, {row}.name_norm FROM {source} {row}{where}"


def name_ends_insert(source: str, person: str, row: str, where: str = "") -> str:
    """The rows of `source` (alias `row`) filed in `name_ends`, set-based."""
    return f"INSERT OR REPLACE INTO name_ends (ends, person, name_norm) {name_ends_rows(source, person, row, where)}"


def _one(row: str, person: str) -> str:
    return (f"INSERT OR REPLACE INTO name_ends (ends, person, name_norm) VALUES ({ends_sql(row + '.name_phon')},"
            f" {person}, {row}.name_norm)")


def _delete(row: str, person: str) -> str:
    return f"DELETE FROM name_ends WHERE ends = {ends_sql(row + '.name_phon')} AND person = {person}"


NAME_ENDS_TRIGGERS = {
    "name_ends_holders_ai": ("CREATE TRIGGER name_ends_holders_ai AFTER INSERT ON beneficiaries"
                             f" BEGIN {_one('new', 'new.id')}; END"),
    "name_ends_holders_au": ("CREATE TRIGGER name_ends_holders_au AFTER UPDATE OF name_norm, name_phon ON"
                             f" beneficiaries BEGIN {_delete('old', 'old.id')}; {_one('new', 'new.id')}; END"),
    "name_ends_holders_ad": ("CREATE TRIGGER name_ends_holders_ad AFTER DELETE ON beneficiaries"
                             f" BEGIN {_delete('old', 'old.id')}; END"),
    "name_ends_dependants_ai": ("CREATE TRIGGER name_ends_dependants_ai AFTER INSERT ON dependants"
                                f" BEGIN {_one('new', '-new.id')}; END"),
    "name_ends_dependants_au": ("CREATE TRIGGER name_ends_dependants_au AFTER UPDATE OF name_norm, name_phon"
                                f" ON dependants BEGIN {_delete('old', '-old.id')}; {_one('new', '-new.id')}; END"),
    "name_ends_dependants_ad": ("CREATE TRIGGER name_ends_dependants_ad AFTER DELETE ON dependants"
                                f" BEGIN {_delete('old', '-old.id')}; END"),
}
# A bulk load's batch (`storage.bulk`): the rows from these ids on, at once, in the table's order.
NAME_ENDS_CATCH_UP = {
    "name_ends_holders_ai": name_ends_insert("beneficiaries", "t.id", "t",
                                             " WHERE t.id >= :first_holder ORDER BY 1, 2"),
    "name_ends_dependants_ai": name_ends_insert("dependants", "-t.id", "t",
                                                " WHERE t.id >= :first_dependant ORDER BY 1, 2"),
}



def name_heads(phon: str, norm: str) -> tuple[str, str]:
    """The `name_heads` keys of a name (its `name_phon` and `name_norm`): the sound key of its first
    word «x» that of its second (an empty key an empty or missing word), and its last word as
    spelled (`heads_sql` and `last_word_sql` in SQL)."""
    words = phon.split(" ")
    return f"{words[0]}{PAIR_JOIN}{words[1] if len(words) > 1 else ''}", norm.split(" ")[-1]


# The names by the sound of their first two words and the spelling of their last (migration 0014):
# a narrow table clustered by (heads, last), what the ranking needs in each row. Three or more
# words typed (first name, father's name, …, the family name or its start) are a few ranges of it.
# `person` as in `name_ends`. Kept by these triggers, and by a bulk load's catch-up.
NAME_HEADS_TABLE = ("CREATE TABLE name_heads (heads TEXT NOT NULL, last TEXT NOT NULL, person INTEGER NOT NULL,"
                    " name_norm TEXT NOT NULL, PRIMARY KEY (heads, last, person)) WITHOUT ROWID")


def heads_sql(phon: str) -> str:
    """The `heads` key of a `name_phon` column in SQL: its first word «x» its second (`name_heads`)."""
    rest = f"substr({phon} || ' ', instr({phon} || ' ', ' ') + 1)"
    return f"substr({phon}, 1, instr({phon} || ' ', ' ') - 1) || 'x' || substr({rest}, 1, instr({rest}, ' ') - 1)"


def last_word_sql(norm: str) -> str:
    """The last word of a `name_norm` column in SQL (words one space apart; `name_heads`)."""
    return f"substr({norm}, length(rtrim({norm}, replace({norm}, ' ', ''))) + 1)"


def name_heads_rows(source: str, person: str, row: str, where: str = "") -> str:
    """The `name_heads` rows of `source` (alias `row`), a SELECT."""
    return (f"SELECT {heads_sql(row + '.name_phon')}, {last_word_sql(row + '.name_norm')}, {person}, {row}.name_norm"
            f" FROM {source} {row}{where}")


def name_heads_insert(source: str, person: str, row: str, where: str = "") -> str:
    """The rows of `source` (alias `row`) filed in `name_heads`, set-based."""
    return (f"INSERT OR REPLACE INTO name_heads (heads, last, person, name_norm)"
            f" {name_heads_rows(source, person, row, where)}")


def _one_head(row: str, person: str) -> str:
    return (f"INSERT OR REPLACE INTO name_heads (heads, last, person, name_norm) VALUES"
            f" ({heads_sql(row + '.name_phon')}, {last_word_sql(row + '.name_norm')}, {person}, {row}.name_norm)")


def _delete_head(row: str, person: str) -> str:
    return (f"DELETE FROM name_heads WHERE heads = {heads_sql(row + '.name_phon')}"
            f" AND last = {last_word_sql(row + '.name_norm')} AND person = {person}")


NAME_HEADS_TRIGGERS = {
    "name_heads_holders_ai": ("CREATE TRIGGER name_heads_holders_ai AFTER INSERT ON beneficiaries"
                              f" BEGIN {_one_head('new', 'new.id')}; END"),
    "name_heads_holders_au": ("CREATE TRIGGER name_heads_holders_au AFTER UPDATE OF name_norm, name_phon ON"
                              f" beneficiaries BEGIN {_delete_head('old', 'old.id')}; {_one_head('new', 'new.id')}; END"),
    "name_heads_holders_ad": ("CREATE TRIGGER name_heads_holders_ad AFTER DELETE ON beneficiaries"
                              f" BEGIN {_delete_head('old', 'old.id')}; END"),
    "name_heads_dependants_ai": ("CREATE TRIGGER name_heads_dependants_ai AFTER INSERT ON dependants"
                                 f" BEGIN {_one_head('new', '-new.id')}; END"),
    "name_heads_dependants_au": ("CREATE TRIGGER name_heads_dependants_au AFTER UPDATE OF name_norm, name_phon"
                                 f" ON dependants BEGIN {_delete_head('old', '-old.id')}; {_one_head('new', '-new.id')}; END"),
    "name_heads_dependants_ad": ("CREATE TRIGGER name_heads_dependants_ad AFTER DELETE ON dependants"
                                 f" BEGIN {_delete_head('old', '-old.id')}; END"),
}
# A bulk load's batch (`storage.bulk`): the rows from these ids on, at once, in the table's order.
NAME_HEADS_CATCH_UP = {
    "name_heads_holders_ai": name_heads_insert("beneficiaries", "t.id", "t",
                                               " WHERE t.id >= :first_holder ORDER BY 1, 2, 3"),
    "name_heads_dependants_ai": name_heads_insert("dependants", "-t.id", "t",
                                                  " WHERE t.id >= :first_dependant ORDER BY 1, 2, 3"),
}

# A bulk build into an empty office (`storage.bulk_build`): both tables left empty while it runs
# (their triggers set aside; a search then asks the FTS indexes alone, which answer the same) and
# filled once at its end, every holder's and dependant's row in the table's order (appended,
# never a page written twice). Per table: its columns, every row's SELECT, the table's order.
NAME_TABLES_ROWS = {
    "name_ends": (("ends", "person", "name_norm"),
                  f"{name_ends_rows('beneficiaries', 't.id', 't')} UNION ALL {name_ends_rows('dependants', '-t.id', 't')}",
                  "1, 2"),
    "name_heads": (("heads", "last", "person", "name_norm"),
                   f"{name_heads_rows('beneficiaries', 't.id', 't')}"
                   f" UNION ALL {name_heads_rows('dependants', '-t.id', 't')}",
                   "1, 2, 3"),
}


def name_table_fill(table: str, into: str = "") -> str:
    """The whole of `table`'s rows, in its order, into `into`.`table` (another schema, e.g. an
    attached one the end of a bulk build makes them in) or into the table itself."""
    columns, rows, order = NAME_TABLES_ROWS[table]
    verb = "INSERT" if into else "INSERT OR REPLACE"
    return f"{verb} INTO {into + '.' if into else ''}{table} ({', '.join(columns)}) SELECT * FROM ({rows}) ORDER BY {order}"


NAME_TABLES_FILL = {table: name_table_fill(table) for table in NAME_TABLES_ROWS}
NAME_TABLES_TRIGGERS = (*NAME_ENDS_TRIGGERS, *NAME_HEADS_TRIGGERS)
NAME_TABLES_TRIGGERS_OF = {"name_ends": tuple(NAME_ENDS_TRIGGERS), "name_heads": tuple(NAME_HEADS_TRIGGERS)}


def _quote(token: str) -> str:
    return f'"{token}"'  # tokens are word characters only; quoting keeps OR/NOT/NEAR literal


def _spelled(token: str, unfinished: bool, first: bool = False) -> str:
    """The word as spelled (normalised), with or without «ال»; a prefix when unfinished;
    `first`: only as the first word of the name (FTS5 initial-token query)."""
    star = "*" if unfinished else ""
    caret = "^ " if first else ""
    return "(" + " OR ".join(f"name_norm : {caret}{_quote(form)}{star}" for form in article_forms(token)) + ")"


def _unfinished(token: str) -> str:
    """The word being typed: the start of a word as spelled, or a whole word by sound."""
    sound = phonetic_key(token)
    by_sound = f" OR name_phon : {_quote(sound)}" if sound else ""
    return f"({_spelled(token, True)[1:-1]}{by_sound})"


def _spelled_terms(terms: tuple[str, ...], first: bool) -> str:
    """Stored words as written (`spelled_forms`); a term ending in "*" is the start of a word."""
    caret = "^ " if first else ""
    return "(" + " OR ".join(f"name_norm : {caret}{_quote(t[:-1])}*" if t.endswith("*")
                             else f"name_norm : {caret}{_quote(t)}" for t in terms) + ")"


def spelled_query(text: str, *, prefix_last: bool = True, first_in_place: bool = False,
                  forms=None) -> str | None:
    """Every typed word as spelled (with or without «ال»), the last maybe unfinished: the
    records a person would call exact matches. `first_in_place`: the first typed word is
    the first word of the name (the first name). `forms(token, unfinished)`: the names'
    vocabulary (`NameVocabulary.spelled_forms`) — each word only as the spellings some name
    holds, an unfinished word as the few words starting with it; None when a word has none
    (the query could find nothing: not asked)."""
    tokens = name_tokens(text)
    if not tokens:
        return None
    last = len(tokens) - 1
    clauses = []
    for i, t in enumerate(tokens):
        unfinished, first = prefix_last and i == last and len(t) >= 2, first_in_place and i == 0
        if forms is None:
            clauses.append(_spelled(t, unfinished, first))
            continue
        terms = forms(t, unfinished)
        if not terms:
            return None
        clauses.append(_spelled_terms(terms, first))
    return " AND ".join(clauses)


Keys = list  # of tuple[str, ...] | None: per typed word (with a sound key), the sound keys it stands for


def _words_and_keys(text: str, prefix_last: bool, keys: Keys | None) -> tuple[list[str], Keys]:
    """The typed words that have a sound key, and the sound keys each stands for: `keys` as
    given (the search's: loose-sound alternatives, an unfinished word's completions, None for
    an unfinished word looked up by the prefix index), else each word's own sound key, the
    unfinished last of three or more words by the prefix index."""
    tokens = [t for t in name_tokens(text) if phonetic_key(t)]
    if keys is None or len(keys) != len(tokens):
        keys = [(phonetic_key(t),) for t in tokens]
        if prefix_last and len(tokens) >= 3 and len(tokens[-1]) >= 2:
            keys[-1] = None
    return tokens, keys


def _either(column: str, terms, caret: str = "") -> str:
    terms = sorted(set(terms))
    if len(terms) == 1:
        return f"{column} : {caret}{_quote(terms[0])}"
    return "(" + " OR ".join(f"{column} : {caret}{_quote(t)}" for t in terms) + ")"


def sound_query(text: str, *, prefix_last: bool = True, keys: Keys | None = None) -> str | None:
    """Two or more words by sound in the typed order, the first typed word being the first
    name: the pairs of `pair_query` and the first word's sound key as the name's first."""
    pairs = pair_query(text, prefix_last=prefix_last, require_all=True, keys=keys)
    tokens = name_tokens(text)
    if not pairs or not phonetic_key(tokens[0]):
        return None
    _, keys = _words_and_keys(text, prefix_last, keys)
    return f"{_either('name_phon', keys[0] or (phonetic_key(tokens[0]),), '^ ')} AND {pairs}"


def spelled_restriction(spellings: list[tuple[str, ...]]) -> str | None:
    """Every word with a spelling list as one of those spellings (exact normalised words; an
    empty list leaves its word free): AND-ed to a query by sound it keeps the names the
    ranking puts first — FTS reads the rare pairs' lists and only skips through the words'."""
    clauses = ["(" + " OR ".join(f"name_norm : {_quote(s)}" for s in forms) + ")" for forms in spellings if forms]
    return " AND ".join(clauses) or None


def in_place_restriction(query: str, words: list[str]) -> str | None:
    """`query` restricted to the names that start with these words, in this order (a phrase
    at the name's first word: first name, father's, grandfather's); None when a word is empty
    (no name holds it)."""
    if not query or not words or not all(words):
        return None
    return f"{query} AND name_norm : ^ {_quote(' '.join(words))}"


def sound_word_query(text: str) -> str | None:
    """Every typed word by sound (whole words)."""
    keys = [phonetic_key(t) for t in name_tokens(text)]
    if not keys or not all(keys):
        return None
    return " AND ".join(f"name_phon : {_quote(k)}" for k in keys)


def word_query(text: str, *, prefix_last: bool = True) -> str | None:
    """Every typed word must match, as spelled (with or without «ال») or by sound; the last
    word may be unfinished (prefix, or the whole word by sound). Used for one-word searches
    and as the last resort."""
    tokens = name_tokens(text)
    if not tokens:
        return None
    clauses = []
    for i, token in enumerate(tokens):
        if prefix_last and i == len(tokens) - 1 and len(token) >= 2:
            clauses.append(_unfinished(token))
        else:
            sound = phonetic_key(token)
            by_sound = f" OR name_phon : {_quote(sound)}" if sound else ""
            clauses.append(f"({_spelled(token, False)[1:-1]}{by_sound})")
    return " AND ".join(clauses)


def _consecutive_pairs(keys: Keys) -> str:
    """Consecutive sound-key pairs, AND-ed; a word standing for several sound keys (a
    loose-sound alternative, an unfinished word's completions) makes its pairs an OR of
    rare pairs."""
    return " AND ".join(_either("name_pairs", (f"{x}{PAIR_JOIN}{y}" for x in a for y in b))
                        for a, b in zip(keys, keys[1:]))


def _in_order(words: list[str], keys: Keys) -> str | None:
    """Every word in the typed order by sound: the pairs of the whole words, and an
    unfinished word looked up by the prefix index (its keys None) AND-ed apart."""
    whole = [k for k in keys if k is not None]
    if len(whole) < 2:
        return None
    query = _consecutive_pairs(whole)
    for word, k in zip(words, keys):
        if k is None:
            query += f" AND {_unfinished(word)}"
    return query


def pair_query(text: str, *, prefix_last: bool = True, require_all: bool = True,
               keys: Keys | None = None) -> str | None:
    """Queries of two or more words, by pairs of sound keys in the typed order.
    require_all: consecutive pairs AND-ed (every word matches, in order) — the search box.
    Otherwise any pair of any two typed words, OR-ed and ranked — duplicate candidates,
    where one name part may be spelled beyond recognition.
    `keys`: the sound keys each word stands for (`_words_and_keys`)."""
    tokens, keys = _words_and_keys(text, prefix_last, keys)
    if require_all:
        return _in_order(tokens, keys)
    words = tokens[:MAX_PAIR_WORDS]
    if len(words) < 2:
        return None
    # Both orders: the family name typed first still finds the record.
    pairs = {_pair(x, y) for i, a in enumerate(words) for b in words[i + 1:] for x, y in ((a, b), (b, a))}
    return " OR ".join(f"name_pairs : {_quote(p)}" for p in sorted(pairs))


def all_but_one_query(text: str, *, prefix_last: bool = True, keys: Keys | None = None) -> str | None:
    """Three or more words: the name with one part spelled beyond recognition — for each
    typed word, every *other* word by sound in the typed order (consecutive sound-key pairs,
    the unfinished last word by its completions' keys or the prefix index), OR-ed. Each is
    an AND of rare pairs, so FTS reads short posting lists (the OR of every pair ranked by
    bm25 read long ones: 45–160 ms at a million records)."""
    tokens, keys = _words_and_keys(text, prefix_last, keys)
    if len(tokens) < 3:
        return None
    out = []
    for left_out in range(len(tokens)):
        words = [t for i, t in enumerate(tokens) if i != left_out]
        query = _in_order(words, [k for i, k in enumerate(keys) if i != left_out])
        if query:  # one whole word (and a prefix) alone would read a common word's long list
            out.append(f"({query})")
    return " OR ".join(out) or None
