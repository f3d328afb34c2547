"""Search keys stored beside a record: normalised names, sound keys, the FTS query syntax.

Normalisation is the domain's (`domain.arabic`): one definition for search, duplicates and
import. Keys are derived again from the record's JSON on every save, never typed in.
"""

from __future__ import annotations

from fundclient.domain.arabic import name_tokens, normalise_name, phonetic_key
from fundclient.domain.records import Beneficiary


def name_norm(text: str) -> str:
    return normalise_name(text)


def name_phon(text: str) -> str:
    return " ".join(phonetic_key(token) for token in name_tokens(text))


def record_keys(beneficiary: Beneficiary) -> tuple[str, str]:
    full = beneficiary.name.full()
    return name_norm(full), name_phon(full)


def fts_query(text: str, *, prefix_last: bool = True) -> str | None:
    """FTS5 MATCH text: every typed word must match, spelled as typed (normalised) or by
    its sound key; the last word may be unfinished (prefix). Tokens are quoted, so words
    like OR/NOT/NEAR typed in Latin are never operators."""
    tokens = name_tokens(text)
    if not tokens:
        return None
    clauses = []
    for i, token in enumerate(tokens):
        star = "*" if prefix_last and i == len(tokens) - 1 and len(token) >= 2 else ""
        exact = f'name_norm : "{token}"{star}'
        sound = phonetic_key(token)
        clauses.append(f'({exact} OR name_phon : "{sound}")' if sound and not star else exact)
    return " AND ".join(clauses)
