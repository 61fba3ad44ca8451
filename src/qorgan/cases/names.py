"""Script-independent name keys for finding the same person across organisations.

One person's name reaches Qorgan in Kazakh Cyrillic (Айгүл Қасымова), in Russian
Cyrillic (Айгуль Касымова), in the Kazakh Latin alphabet of 2021 (Aıgúl Qasymova,
Aigül Qasımova), in the older apostrophe (2017) or acute (2018) Latin alphabets, and
in passport or English transliteration (Aigul Kassymova).  Names are stored
encrypted; what is compared is a keyed hash (blind index) of the *name key*
computed here.  Equal keys mean "may be the same person": a human decides.

``name_skeleton`` maps one name part to a coarse ASCII skeleton in which the usual
spelling variants collide.  It is deliberately lossy: over-merging only yields a
candidate that a person rejects, a miss hides a victim's history.

Pipeline of ``name_skeleton``
-----------------------------
1. Apostrophe look-alikes (’ ʼ ‘ ʻ ` ´ ʹ ′) become ``'``; NFKC.
2. Homoglyphs: inside a word that also holds Cyrillic letters, Latin look-alikes
   (A B C E H I K M O P T X Y a c e i k o p x y h) are read as the Cyrillic letters
   they imitate (typing "Айгyл" with a Latin y, "HҰРЛАН" with a Latin H).
3. casefold.
4. Latin digraphs (and the 2017 apostrophe letters) are read first, longest first:
   shch→щ, sh s'→ш, ch c'→ч, zh→ж, kh→х, gh→ғ, ph→ф, ck→к, y'→у,
   c before e/i→с (other c→к).
5. One table maps every Cyrillic and Latin letter to the coarse alphabet (below);
   everything that is not an ASCII letter afterwards (digits, spaces, hyphens,
   apostrophes, other scripts) is dropped.
6. Clean-up on the coarse string: dj→j (Джамбул/Жамбыл), doubled letters collapse
   (Kassymov/Касымов, Мухаммед/Mukhamed), ie→e (Yerzhan/Ержан, Vasilyev/Васильев,
   Akniyet/Ақниет), ng→n (ң written "ng"), doubled letters collapse again.

Merge table (coarse symbol ← sources)
-------------------------------------
====== ==========================================================================
a      а ә | a ä á a' ə ǝ (+ any Latin a with diacritics)
o      о ө | o ö ó o' ɵ ø
u      у ұ ү ў | u ū ü ú ý y' u'   (2018 ý and 2017 y' are Kazakh у)
i      и й і ы ї | i ı í y i'  (the vowel letters ы/і/и and the glide й all merge;
       Latin y is always read as i: Aygul=Aigul, Kasymov, Yuliya=Iuliia)
e      е ё э | e é …  (ё→e as in ICAO 9303 passports: Фёдоров=Fedorov; "Fyodorov"
       is *not* matched); leading/after-vowel "ye"/"ie" → e (Yerzhan=Erzhan)
iu     ю | yu iu
ia     я | ya ia
ie     є (Ukrainian), which then becomes e by the ie→e rule
k      к қ х һ | k q kh h c(hard) ck   ← the biggest merge: Бақыт/Бахыт/Bakhyt/Baqyt
       and Хабиба/Habiba/Khabiba/Қабиба all collide, so qaf, kha, h and k are one
g      г ғ ґ | g ğ ǵ g' gh
n      н ң | n ñ ń n' ; and "ng" → n everywhere (Тәңірберген=Tangirbergen; it also
       merges Ангелина with Анелина — accepted)
j      ж | j zh ; and "dj" (дж, dzh, dj) → j (Джамиля=Jamila=Жамила)
sh     ш | sh ş s'
ch     ч | ch ç c'
shch   щ | shch
ts     ц тс | ts  (the 2017 "c" for ц is NOT supported: c is read as English c)
s      с | s, c before e/i (Alice=Алиса), ß
v      в | v w
f      ф | f ph
ks     x
(drop) ъ ь ' and every non-letter
====== ==========================================================================

``person_name_key`` joins the skeletons of surname, given name and patronymic with
"|".  From the patronymic it first strips the endings -ұлы/-улы/-uly/-ūly (and
-оглы/-ogly/-oğlu), -қызы/-кызы/-qyzy/-kyzy, and the Russian -ович/-евич/-ьевич
(-ovich/-evich/-yevich/-iyevich), -овна/-евна, -ич/-ична, so that Серікұлы,
Serikuly, Серикович, Serikovich and the bare father's name Serik give one part.
Female surname forms (Қасымов/Қасымова) and female names (Жанар/Жанара) keep
their endings, so they stay different.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["name_skeleton", "person_name_key"]

# --- step 1: apostrophe look-alikes -------------------------------------------------

_APOSTROPHES: Final[dict[int, str]] = {
    ord(ch): "'" for ch in "\u2019\u02bc\u2018\u02bb`\u00b4\u02b9\u2032\u02bd"
}

# --- step 2: Latin homoglyphs inside Cyrillic words ---------------------------------

_HOMOGLYPHS: Final[dict[int, str]] = {
    ord(latin): cyrillic
    for latin, cyrillic in {
        "A": "А",
        "B": "В",
        "C": "С",
        "E": "Е",
        "H": "Н",
        "I": "І",
        "K": "К",
        "M": "М",
        "O": "О",
        "P": "Р",
        "T": "Т",
        "X": "Х",
        "Y": "Ү",
        "a": "а",
        "c": "с",
        "e": "е",
        "h": "һ",
        "i": "і",
        "k": "к",
        "o": "о",
        "p": "р",
        "x": "х",
        "y": "у",
    }.items()
}
_CYRILLIC_RE: Final = re.compile("[\u0400-\u04ff]")
_LATIN_RE: Final = re.compile("[A-Za-z]")
_WORD_RE: Final = re.compile(r"[^\W\d_]+")

# --- step 4: Latin digraphs, read into the Cyrillic letter they stand for -----------

_DIGRAPHS: Final[dict[str, str]] = {
    "shch": "щ",
    "sh": "ш",
    "s'": "ш",
    "ch": "ч",
    "c'": "ч",
    "zh": "ж",
    "kh": "х",
    "gh": "ғ",
    "ph": "ф",
    "ck": "к",
    "y'": "у",
}
_SOFT_C: Final = "с"  # Cyrillic es: English c before e/i (Alice, Marcel, Lucia)
_DIGRAPH_RE: Final = re.compile(
    "|".join(re.escape(d) for d in sorted(_DIGRAPHS, key=len, reverse=True)) + "|c(?=[eiéèêëíìîïı])"
)

# --- step 5: one table to the coarse alphabet ----------------------------------------

_CYRILLIC: Final[dict[str, str]] = {
    "а": "a",
    "ә": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "g",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "є": "ie",
    "э": "e",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "і": "i",
    "ї": "i",
    "ы": "i",
    "к": "k",
    "қ": "k",
    "х": "k",
    "һ": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ў": "u",
    "ф": "f",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ь": "",
    "ю": "iu",
    "я": "ia",
}

_ASCII: Final[dict[str, str]] = {
    "c": "k",
    "h": "k",
    "q": "k",
    "w": "v",
    "x": "ks",
    "y": "i",
}

# Latin letters whose decomposition does not give the right coarse letter.
_LATIN_SPECIAL: Final[dict[str, str]] = {
    "ş": "sh",
    "ș": "sh",
    "ç": "ch",
    "ý": "u",  # Kazakh 2018: ý = у
    "ı": "i",
    "ə": "a",
    "ǝ": "a",
    "ɵ": "o",
    "ø": "o",
    "æ": "ae",
    "œ": "oe",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "t",
    "ß": "s",
    "ŋ": "n",
    "ħ": "k",
    "'": "",
}

_LATIN_RANGES: Final = ((0x00C0, 0x0250), (0x1E00, 0x1F00))


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Latin letters with diacritics fall back on their base letter (é→e, ñ→n, ū→u).
    for start, end in _LATIN_RANGES:
        for cp in range(start, end):
            decomposed = unicodedata.normalize("NFD", chr(cp)).casefold()
            base = "".join(ch for ch in decomposed if "a" <= ch <= "z")
            if base:
                table[cp] = "".join(_ASCII.get(ch, ch) for ch in base)
    for mapping in (_ASCII, _CYRILLIC, _LATIN_SPECIAL):
        for ch, out in mapping.items():
            table[ord(ch)] = out
    return table


_TABLE: Final[dict[int, str]] = _build_table()
_NON_LETTERS_RE: Final = re.compile("[^a-z]+")
_DOUBLE_RE: Final = re.compile(r"([a-z])\1+")

# --- patronymic endings (matched on the raw coarse string, before doubles collapse,
# so that Серікқызы keeps the stem's k) -------------------------------------------

_PATRONYMIC_END_RE: Final = re.compile(r"(?:(?:i*e|o)(?:vich|vna)|ichna|ich|uli|ogli|oglu|kizi)$")
_MIN_STEM: Final = 2


def _read_digraph(match: re.Match[str]) -> str:
    return _DIGRAPHS.get(match.group(), _SOFT_C)


def _fix_word(match: re.Match[str]) -> str:
    word = match.group()
    if _CYRILLIC_RE.search(word):
        return word.translate(_HOMOGLYPHS)
    return word


def _raw(name: str) -> str:
    """Steps 1-5: the coarse letters, before the clean-up rules."""
    text = unicodedata.normalize("NFKC", name.translate(_APOSTROPHES))
    if _CYRILLIC_RE.search(text) and _LATIN_RE.search(text):
        text = _WORD_RE.sub(_fix_word, text)
    text = _DIGRAPH_RE.sub(_read_digraph, text.casefold())
    return _NON_LETTERS_RE.sub("", text.translate(_TABLE))


def _finish(raw: str) -> str:
    """Step 6: dj→j, collapse doubles, ie→e, ng→n, collapse doubles."""
    text = _DOUBLE_RE.sub(r"\1", raw.replace("dj", "j"))
    text = text.replace("ie", "e").replace("ng", "n")
    return _DOUBLE_RE.sub(r"\1", text)


def name_skeleton(name: str) -> str:
    """Coarse ASCII skeleton of one name part, the same across scripts.

    >>> name_skeleton("Айгүл") == name_skeleton("Aigul") == name_skeleton("Айгуль")
    True
    """
    return _finish(_raw(name))


def _patronymic_skeleton(patronymic: str) -> str:
    raw = _raw(patronymic)
    match = _PATRONYMIC_END_RE.search(raw)
    if match is not None and match.start() >= _MIN_STEM:
        raw = raw[: match.start()]
    return _finish(raw)


def person_name_key(surname: str, given_name: str, patronymic: str = "") -> str:
    """``surname|given|patronymic`` skeletons; the patronymic loses -ұлы/-ович etc."""
    return "|".join(
        (name_skeleton(surname), name_skeleton(given_name), _patronymic_skeleton(patronymic))
    )
