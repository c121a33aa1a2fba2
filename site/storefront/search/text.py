"""Text analysis for the embedded backend: tokens, light English stemming, typo candidates.

The stemmer is deliberately small (plurals, -ing, -ed, -ly, -er): produce
names are short, and a light stemmer never merges unrelated words the way an
aggressive one can. Typo tolerance uses deletion neighbourhoods: two words
within one edit share a string made by deleting at most one character from
each, so candidates come from a dictionary lookup, not a scan.
"""

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")

STOPWORDS = frozenset(
    "a an and are as at be by for from in into is it of on or the to with".split()
)


def fold(text):
    """Lower case without accents: 'Pak Choï' -> 'pak choi'."""
    text = str(text)
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def words(text):
    return _WORD.findall(fold(text))


def stem(word):
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement, min_left in (
        ("ies", "y", 2),
        ("sses", "ss", 2),
        ("ing", "", 3),
        ("edly", "", 3),
        ("ed", "", 3),
        ("ly", "", 3),
        ("es", "", 3),
        ("s", "", 3),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= min_left:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "es" and not word.endswith(("ches", "shes", "xes", "zes", "oes", "sses")):
                continue
            base = word[: len(word) - len(suffix)] + replacement
            # "hopping" -> "hopp" -> "hop": undouble a final consonant left by -ing/-ed
            if suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            return base
    return word


def analyse(text):
    """The index terms of a text: folded, stop words dropped, stemmed."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def deletes(term):
    """The term and every string made by deleting one character from it."""
    out = {term}
    if len(term) > 1:
        out.update(term[:i] + term[i + 1 :] for i in range(len(term)))
    return out


def edit_distance_at_most_one(a, b):
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]
