"""The VAG family: claims with nothing behind them.

Five rules share one machinery: phrase lists shipped as data files
(``rules/data/vag_*.txt``, a small pattern syntax described in
``vag_README.txt``), matched inside the shared sentences, never inside
quotations, code, URLs or the technical senses listed in ``vag_exceptions.txt``.

Whether a sentence "names something" is decided without an NLP model, from
what the text itself shows: a capitalised word that is not a generic word and
not part of the document's subject (the capitalised words of its title and the
capitalised terms that recur through it) -- a sentence's first word counts only
when the document capitalises it mid-sentence too and never writes it in lower
case; an acronym; a number or date; a link, code, a path or a citation marker;
a quotation.

Speed: the case-insensitive phrase patterns are costly, and few sentences can
match them. Each entry yields "keys", lower-case strings one of which every match
contains; one scan per document finds the keys of all five rules, and a rule
reads only the sentences holding one of its keys. The shortcuts are exact: the
tests compare them with a full scan.

Options live in ``[tool.textsieve.vag]``. Every word list ``<list>`` has three:
``<list>`` replaces the shipped list, ``extend-<list>`` adds entries and
``remove-<list>`` removes entries (written as in the data file).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources

from textsieve.patterns import prefix_tree
from textsieve.rule import Option, OptionError, Rule

# -- word lists ---------------------------------------------------------------

_LIST_HELP = {
    "attribution": "phrases that attribute a claim to unnamed people or research",
    "example-markers": "phrases that announce an example, a case or evidence",
    "example-openers": "phrases that open an example (For example, For instance)",
    "vague-cues": "words that make an opened example vague (could, various, countries)",
    "puffery": "praise and inflated importance",
    "quantifiers": "quantities that give no number",
    "hedges": "hedges that weaken a claim",
    "filler": "stock phrases that carry no content",
    "exceptions": "technical senses and look-alikes never reported",
    "generic-terms": "capitalised words that name no one in particular",
    "reporting-verbs": "verbs that report someone else's words (puffery they frame is theirs)",
    "weasel-people": "people and quantities that name no one (some, many, critics)",
    "weasel-attribution": "opinion attributed to no one (is considered, it is said, claimed that)",
    "weasel-hedges": "hedges and epistemic adverbs (probably, allegedly, seems to)",
    "weasel-peacock": "peacock terms beyond the puffery list (famous, legendary, one of the most)",
}


@lru_cache(maxsize=None)
def shipped(name: str) -> tuple[str, ...]:
    """The entries of the shipped list ``name`` (file ``data/vag_<name>.txt``)."""
    path = resources.files("textsieve.rules").joinpath("data", f"vag_{name.replace('-', '_')}.txt")
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append(line)
    return tuple(entries)


class _EntryList(Option):
    """A list of entries in the VAG syntax: checked when the configuration is read,
    so a bad entry is a configuration error that names it."""

    def validate(self, name, value):
        value = super().validate(name, value)
        for entry in value or ():
            try:
                _phrase(entry.strip().lstrip("^").strip(), entry)
            except OptionError as exc:
                raise OptionError(f"option '{name}': {exc}") from None
        return value


def _list_options(*names: str) -> dict[str, Option]:
    options: dict[str, Option] = {}
    for name in names:
        what = _LIST_HELP[name]
        options[name] = _EntryList(None, f"replaces the shipped list of {what} "
                                         f"(data/vag_{name.replace('-', '_')}.txt)", kind="list[str]")
        options[f"extend-{name}"] = _EntryList([], f"entries added to the list of {what}")
        options[f"remove-{name}"] = Option([], f"entries removed from the list of {what}")
    return options


def _norm(entry: str) -> str:
    return " ".join(entry.lower().split())


def effective_list(settings: dict, name: str) -> tuple[str, ...]:
    """The shipped list ``name`` with the project's replace/extend/remove applied."""
    base = settings.get(name)
    entries = list(shipped(name) if base is None else base)
    removed = {_norm(e) for e in settings.get(f"remove-{name}") or ()}
    entries = [e for e in entries if _norm(e) not in removed]
    entries.extend(settings.get(f"extend-{name}") or ())
    return tuple(dict.fromkeys(e.strip() for e in entries if e.strip()))


# -- the entry syntax ---------------------------------------------------------

_WORD = r"[^\W_][\w'’-]*[,;:]?"
_SEP = r"\s+"
_LEAD = (r"(?:(?:and|but|so|yet|moreover|furthermore|additionally|also|similarly|likewise|"
         r"indeed|however|thus|finally|notably|again|then|here)\s*,?\s+)*")


def _split_top(text: str, sep: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def _literal(word: str) -> str:
    out = []
    for ch in word:
        if ch == "-":
            out.append(r"(?:[-‐‑]\s*|\s+)")
        elif ch in "'’":
            out.append("['’]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _word_keys(word: str) -> frozenset[str] | None:
    """What a match of the literal ``word`` must contain: its longest piece between
    hyphens and apostrophes, lower-cased (ASCII only, see ``_fold``)."""
    pieces = [p for p in re.split(r"[-'’]", word) if p and p.isascii()]
    return frozenset({max(pieces, key=len).lower()}) if pieces else None


# Frequent words make poor keys: a phrase is keyed on another of its words if it has one.
_COMMON = frozenset("""a an the and or of to in on at by for with from as is are was were be been
    it its this that these those there here some many most more much all any one when which what
    have has had do does did can could would should will may might must not no so if than then
    they them their he she we you i""".split())


def _best_keys(units) -> frozenset[str] | None:
    """The most selective key set among the required units (one without frequent
    words, whose shortest key is longest), or None when no unit requires a literal."""
    required = [keys for _, optional, keys in units if not optional and keys]
    if not required:
        return None
    return max(required, key=lambda keys: (not keys & _COMMON, min(map(len, keys)), -len(keys)))


def _units(text: str, entry: str) -> list[tuple[str, bool, frozenset[str] | None]]:
    """Split a phrase into (regex, optional, keys) units. ``keys``: strings one of
    which every match of the unit contains (lower-cased), or None."""
    units: list[tuple[str, bool, frozenset[str] | None]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "([":
            close = ")" if ch == "(" else "]"
            depth, j = 0, i
            while j < n:
                if text[j] in "([":
                    depth += 1
                elif text[j] in ")]":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= n or text[j] != close:
                raise OptionError(f"unbalanced '{ch}' in VAG list entry {entry!r}")
            inner = text[i + 1:j]
            alts = [a.strip() for a in _split_top(inner, "|")]
            optional = ch == "[" or "" in alts
            parts = [_phrase_keys(a, entry) for a in alts if a]
            if not parts:
                raise OptionError(f"empty group in VAG list entry {entry!r}")
            regexes = [rx for rx, _ in parts]
            alt_keys = [keys for _, keys in parts]
            keys = None if optional or not all(alt_keys) else frozenset().union(*alt_keys)
            rx = "(?:" + "|".join(sorted(regexes, key=len, reverse=True)) + ")"
            # A group glued to a word ("navigat(e|ing)") continues that word.
            if j + 1 < n and not text[j + 1].isspace() and text[j + 1] not in "([":
                k = j + 1
                while k < n and not text[k].isspace():
                    k += 1
                rx += _literal(text[j + 1:k])
                j = k - 1
            if units and i > 0 and not text[i - 1].isspace():
                # The word before is still whole in every match: keep its keys.
                prev, prev_opt, prev_keys = units.pop()
                units.append((prev + (f"(?:{rx})?" if optional else rx), prev_opt, prev_keys))
            else:
                units.append((rx, optional, keys))
            i = j + 1
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in "([":
            j += 1
        word = text[i:j]
        if word == "*":
            units.append((_WORD, False, None))
        elif word in ("...", "…"):
            units.append((_WORD + r"(?:\s+" + _WORD + r"){0,5}?", False, None))
        else:
            units.append((_literal(word), False, _word_keys(word)))
        i = j
    return units


def _phrase_keys(text: str, entry: str) -> tuple[str, frozenset[str] | None]:
    """The regex of a phrase, and strings one of which each of its matches contains."""
    units = _units(text, entry)
    if not units:
        raise OptionError(f"empty VAG list entry {entry!r}")
    out, need_sep = "", False
    for rx, optional, _ in units:
        if optional:
            out += f"(?:{_SEP}{rx})?" if need_sep else f"(?:{rx}{_SEP})?"
        else:
            out += (_SEP if need_sep else "") + rx
            need_sep = True
    return out, _best_keys(units)


def _phrase(text: str, entry: str) -> str:
    return _phrase_keys(text, entry)[0]


# Under re.IGNORECASE four non-ASCII letters match ASCII ones: U+0130 and U+0131
# (dotted capital and dotless small i) match "i", U+017F (long s) matches "s"
# and U+212A (Kelvin sign) matches "k". str.lower() turns the Kelvin sign into
# "k" but not the others, so they are folded first.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})
_FOLD_SPECIAL = re.compile("[\u0130\u0131\u017f]")


def _fold(text: str) -> str:
    """``text`` lower-cased for the key test: an ASCII string that a
    case-insensitive match in ``text`` contains is in ``_fold(text)``."""
    if not text.isascii() and _FOLD_SPECIAL.search(text):
        text = text.translate(_FOLD)
    return text.lower()


def _minimal(keys: frozenset[str]) -> frozenset[str]:
    """The keys that contain no other key: a text holding any key holds one of them."""
    return frozenset(k for k in keys if not any(o != k and o in k for o in keys))


@dataclass(frozen=True)
class Matcher:
    """The entries of one list: free-standing and sentence-initial patterns, compiled
    when a text first holds one of the keys (many runs never need most lists)."""

    free_pattern: str | None
    initial_pattern: str | None
    # Lower-cased strings one of which every match contains (None: no such strings):
    # a text whose ``_fold`` holds none of them has no match.
    keys: frozenset[str] | None = None
    _has_key: object = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        has_key = None if self.keys is None else re.compile(prefix_tree(self.keys)).search
        object.__setattr__(self, "_has_key", has_key)

    @cached_property
    def free(self) -> re.Pattern | None:
        return None if self.free_pattern is None else re.compile(self.free_pattern, re.IGNORECASE)

    @cached_property
    def initial(self) -> re.Pattern | None:
        return None if self.initial_pattern is None else re.compile(self.initial_pattern, re.IGNORECASE)

    def finditer(self, text: str, folded: str | None = None):
        """Matches in ``text``; ``folded`` is its ``_fold``, when the caller has it."""
        if self._has_key is not None and self._has_key(_fold(text) if folded is None else folded) is None:
            return  # no key, no match: skip the costly patterns
        if self.initial is not None:
            m = self.initial.match(text)
            if m:
                yield m
        if self.free is not None:
            yield from self.free.finditer(text)


@lru_cache(maxsize=256)
def compile_list(entries: tuple[str, ...]) -> Matcher:
    free, initial = [], []
    keys: set[str] | None = set()
    for entry in entries:
        body = entry.strip()
        anchored = body.startswith("^")
        rx, entry_keys = _phrase_keys(body.lstrip("^").strip(), entry)
        (initial if anchored else free).append(rx)
        keys = None if keys is None or entry_keys is None else keys | entry_keys

    def source(parts, prefix):
        if not parts:
            return None
        alternation = "|".join(sorted(parts, key=len, reverse=True))
        return prefix + r"(?<![\w-])(?P<m>" + alternation + r")(?![\w-])"

    return Matcher(source(free, ""), source(initial, r"[\s\"“‘'(\[*_]*" + _LEAD),
                   None if keys is None else _minimal(frozenset(keys)))


# -- reading the prose --------------------------------------------------------

_QUOTE_RE = re.compile(
    r"\"[^\"]{1,600}?\"|“[^”]{1,600}?”|„[^“”]{1,600}?[“”]|«[^»]{1,600}?»"
    r"|(?<![\w'’])‘(?:[^’]|’(?=\w)){1,600}?’(?!\w)"
    r"|(?<![\w'’])'(?=[^\s'])(?:[^'\n]|'(?=\w)){1,600}?(?<=[^\s'])'(?!\w)")
_TOKEN_RE = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w'’.-]*[\w]|[^\W\d_]")
_DIGIT_RE = re.compile(r"\d")
_NUMBER_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand million billion trillion dozen half quarter percent".split())
_LINK_RE = re.compile(r"\]\(|\]\[|\[\^|https?://|www\.|<a\s|\[\d+(?:[,–-]\s*\d+)*\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]")
_CITATION_RE = re.compile(r"\bet al\b|\bibid\b|\(\s*(?:[^()]*\s)?\d{4}[a-z]?\s*\)")
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself)\b", re.IGNORECASE)
_FORWARD_RE = re.compile(r"\b(?:the following|as follows|below|shown here|here is|here are)\b|:\s*$"
                         r"|\b(?:given|shown|provided|included|listed|found) (?:in|at|on|below|above)\b",
                         re.IGNORECASE)
_CONDITIONAL_RE = re.compile(r"^\W*(?:if|when|whenever|suppose|assuming|say)\b", re.IGNORECASE)
# VAG102: what makes an announcement no claim of evidence (see EmptyExample._not_announced).
_NOT_A_CLAIM_BEFORE = re.compile(r"\b(?:than|as|which)\s+$", re.IGNORECASE)
_SITUATION_AFTER = re.compile(r"\s*(?:is\s+|was\s+)?(?:when|where|whenever|if)\b", re.IGNORECASE)
_HYPOTHETICAL_BE = re.compile(r"\b(?:can|could|would|might|may)\s+be\s+(\w+)", re.IGNORECASE)
_EVIDENCE_PARTICIPLES = frozenset(
    "seen found observed noticed witnessed traced identified spotted heard felt glimpsed "
    "evidenced demonstrated illustrated exemplified shown".split())
# An opened example that imagines or advises: "we might take", "one could write",
# "teams can start with".
_ILLUSTRATION_RE = re.compile(
    r"(?:we|let['’]?s|let us|imagine|consider|one\s+(?:can|could|might|may|would|should|must)\b)\b"
    r"|(?:[\w'’-]+\s+){1,3}?(?:can|should|must|may)\b", re.IGNORECASE)
# VAG103: a negation at most four words before the phrase, in its clause ("may not be
# seamless", "you don't need to be an industry-leading expert"); "not only" praises.
_NEGATED = re.compile(r"(?:\b(?:not|never|no|hardly|barely|cannot|nor|without|far\s+from|less\s+than)"
                      r"|n['’]t)(?!\s+(?:only|just|merely|simply)\b)(?:\s+[\w'’-]+){0,4}\s+$",
                      re.IGNORECASE)
# VAG103: "cutting-edge" in the sense of new and unstable, beside these words.
_UNSTABLE = re.compile(r"\b(?:nightly|nightlies|unstable|experimental|beta|alpha|preview|canary|"
                       r"pre-?release|stable|stability|cautious|conservative)\b", re.IGNORECASE)
# A capitalised adjective of a people, a faith or a region (Islamic, African, Asian,
# Chinese, British, Israeli), and the capitalised words that may follow it.
_DEMONYM_RE = re.compile(r"(?:an|ese|ic|ish|i)$")
_SPACE_RUN = re.compile(r"\s+")
_CAPITALISED_WORD = re.compile(r"[A-Z][\w'’-]*")
_ENUMERATION_RE = re.compile(r"\bsuch as\b|\bincluding\b|\be\.g\.|\bi\.e\.|\bnamely\b|:|\(", re.IGNORECASE)
_SOURCE_LEAD_RE = re.compile(r"\b(?:according to|as reported by|reported by|as stated by|such as|"
                             r"including|like|led by|notably|said|says|told|wrote|writes|notes|noted)\s+(?:the\s+)?$",
                             re.IGNORECASE)
_CLAIM_VERB_RE = re.compile(r"\b(?:is|are|was|were|can be|could be|would be|may be|might be|lies|lie|"
                            r"comes|include|includes|involves|involve)\b", re.IGNORECASE)
# An identifier written in prose: sys.stdin, max_line_length, os.path.join.
_CODE_TOKEN_RE = re.compile(r"_|[a-z]\.[a-z]{2,}|\w\.\w+\(|[a-z][A-Z]")
# Code, paths and file names in the raw text: Union[int], f(), docs/index.md, example.c.
_CODE_RAW_RE = re.compile(r"`|\w\[\w|\w\(\)|\w/\w|\b\w+\.(?:c|h|py|js|ts|md|txt|rst|json|toml|ya?ml|"
                          r"cfg|ini|sh|html?|xml|csv|log|conf)\b")
_CODE_FENCE_RE = re.compile(r"```|~~~|\n(?: {4}|\t)\S|::\s*$")


_POSSESSIVE_RE = re.compile(r"(?:['’]s|['’])$")
_PART_SPLIT_RE = re.compile(r"[-.]")


def _word_key(token: str) -> str:
    if token and token[-1] in "'’s":
        token = _POSSESSIVE_RE.sub("", token)
    return token.lower()


class Context:
    """What a document says about itself: its subject and its ordinary words."""

    def __init__(self, document, generic: set[str]):
        # Read on first need: many findings are settled by the generic words alone.
        # No reference to the document itself: contexts are kept per document (_context).
        self.generic = generic
        self._segments = document.segments
        self._read = False

    @property
    def lower(self) -> set[str]:
        """Words the document writes in lower case."""
        if not self._read:
            self._read_document()
        return self._lower

    @property
    def mid_caps(self) -> set[str]:
        """Capitalised words the document writes inside a sentence."""
        if not self._read:
            self._read_document()
        return self._mid_caps

    @property
    def subject(self) -> set[str]:
        """The document's subject: its title's words and terms that extend them."""
        if not self._read:
            self._read_document()
        return self._subject

    def _read_document(self) -> None:
        segments = self._segments
        lower: set[str] = set()
        mid_caps: dict[str, int] = {}
        sentence_count = 0
        title: set[str] = set()
        beside_title: set[str] = set()
        first_heading = next((s for s in segments if s.kind == "heading"), None)
        if first_heading is not None:
            title = {_word_key(t) for t in _TOKEN_RE.findall(first_heading.text) if t[0].isupper()}
        lower_seen: set[str] = set()  # lower-case tokens already split into ``lower``
        keys: dict[str, str] = {}  # token -> _word_key(token)
        for segment in segments:
            heading = segment.kind == "heading"
            for sentence in segment.sentences:
                sentence_count += 1
                seen: set[str] = set()
                previous = None
                for index, match in enumerate(_TOKEN_RE.finditer(sentence.text)):
                    token = match.group(0)
                    if token[0].islower():
                        if token not in lower_seen:
                            lower_seen.add(token)
                            for part in _PART_SPLIT_RE.split(token):
                                lower.add(_word_key(part))
                        previous = None
                        continue
                    key = keys.get(token)
                    if key is None:
                        key = keys[token] = _word_key(token)
                    if index > 0 and not heading:
                        seen.add(key)
                    if previous is not None and sentence.text[previous[1]:match.start()].strip() == "":
                        if previous[0] in title:
                            beside_title.add(key)
                        if key in title:
                            beside_title.add(previous[0])
                    previous = (key, match.end())
                for key in seen:
                    mid_caps[key] = mid_caps.get(key, 0) + 1
        self._lower = lower
        self._mid_caps = set(mid_caps)
        # A recurring capitalised word joins the subject when it extends a title word
        # ("Islamic Ummah" under a title about Islamic nations), not on its own: a
        # product a manual keeps naming ("CDash") is still a name.
        threshold = max(3, 0.1 * sentence_count)
        recurring = {key for key, count in mid_caps.items()
                     if count >= threshold and key in beside_title}
        self._subject = (title | recurring) - {""}
        self._read = True

    def is_name(self, token: str, initial: bool) -> bool:
        """Whether ``token`` (a capitalised word) names something in particular."""
        if not token[0].isupper():
            return False
        key = _word_key(token)
        if key in self.generic or key in self.subject:
            return False
        bare = _POSSESSIVE_RE.sub("", token).replace(".", "")
        acronym = len(bare) >= 2 and bare.isupper()
        inner_caps = any(c.isupper() for c in bare[1:]) and not acronym
        if initial:
            return acronym or inner_caps or (key in self.mid_caps and key not in self.lower)
        return True


def _quote_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTE_RE.finditer(text)]


def _inside(spans, start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _overlaps(spans, start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


def _masked_words(document, segment, start: int, end: int) -> bool:
    """Whether non-prose text with letters or digits (code, a URL) sits in start..end."""
    for i in range(start, end):
        if segment.text[i - segment.start] == " " and document.text[i].isalnum():
            return True
    return False


def _phrase_text(text: str) -> str:
    return " ".join(text.split())


class _Sentence:
    """A sentence as the rules read it; its quotation spans are found on first use."""

    __slots__ = ("segment", "index", "start", "end", "text", "_quotes", "_segment_quotes", "_folded")

    def __init__(self, segment, index: int, start: int, end: int, text: str,
                 quotes: list[tuple[int, int]] | None = None, segment_quotes=None):
        self.segment = segment
        self.index = index  # in segment.sentences
        self.start = start  # document offsets
        self.end = end
        self.text = text  # from the segment: masked characters are spaces
        self._quotes = quotes
        self._segment_quotes = segment_quotes  # () -> the segment's quotation spans
        self._folded = None

    @property
    def folded(self) -> str:
        """``_fold(text)``, made once for every list the rules look up in the sentence."""
        if self._folded is None:
            self._folded = _fold(self.text)
        return self._folded

    @property
    def quotes(self) -> list[tuple[int, int]]:
        """Sentence-relative quotation spans."""
        if self._quotes is None:
            offset = self.start - self.segment.start
            size = len(self.text)
            self._quotes = [(max(s, offset) - offset, min(e, offset + size) - offset)
                            for s, e in self._segment_quotes() if s < offset + size and e > offset]
        return self._quotes

    def raw(self, document) -> str:
        return document.text[self.start:self.end]


def _sentences(document, kinds=None, candidates=None):
    """The sentences of the segments of ``kinds``; with ``candidates`` (sorted
    (segment index, sentence index) pairs), only those."""
    segments = document.segments
    if candidates is None:
        candidates = ((i, j) for i, segment in enumerate(segments)
                      for j in range(len(segment.sentences)))
    current, quotes = None, None
    for i, index in candidates:
        segment = segments[i]
        if kinds is not None and segment.kind not in kinds:
            continue
        if i != current:
            current, quotes = i, _lazy_quotes(segment)
        sentence = segment.sentences[index]
        yield _Sentence(segment, index, sentence.start, sentence.end, sentence.text,
                        segment_quotes=quotes)


def _lazy_quotes(segment):
    spans = None

    def quotes():
        nonlocal spans
        if spans is None:
            spans = _quote_spans(segment.text)
        return spans
    return quotes


# -- where the keys are ------------------------------------------------------
#
# The rules of a run read the same documents: one scan per document finds every
# key of every rule that ran in this process, and each rule then reads only the
# sentences holding one of its keys. This is a cache; findings never depend on it.

_KEY_SETS: dict[frozenset[str], None] = {}  # the trigger keys of the rules that ran here


@lru_cache(maxsize=32)
def _scanner(keys: frozenset[str]):
    return re.compile(prefix_tree(_minimal(keys))).search


@lru_cache(maxsize=256)
def _relevant(rule_keys: frozenset[str], keys: frozenset[str]) -> tuple[str, ...]:
    """The minimal keys of ``keys`` that some key of ``rule_keys`` contains."""
    return tuple(m for m in sorted(_minimal(keys)) if any(m in k for k in rule_keys))


class _KeyIndex:
    """For each minimal key, the (segment, sentence) pairs whose folded text holds it."""

    def __init__(self, document, keys: frozenset[str]):
        self.text, self.segments, self.keys = document.text, document.segments, keys
        search = _scanner(keys)
        hits: dict[str, list[tuple[int, int]]] = {}
        for i, segment in enumerate(document.segments):
            sentences = segment.sentences
            if not sentences:
                continue
            # One scan of the segment (a sentence's text is a slice of it, and folding
            # keeps lengths); an occurrence belongs to the sentence it starts in.
            base = segment.start
            starts = [sentence.start - base for sentence in sentences]
            folded = _fold(segment.text)
            m = search(folded)
            while m is not None:  # every occurrence, overlapping ones too
                at = m.start()
                j = bisect.bisect_right(starts, at) - 1
                if j >= 0 and at < sentences[j].end - base:
                    hits.setdefault(m.group(), []).append((i, j))
                m = search(folded, at + 1)
        self.hits = hits

    def candidates(self, rule_keys: frozenset[str]) -> list[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        for key in _relevant(rule_keys, self.keys):
            found.update(self.hits.get(key, ()))
        return sorted(found)


def _candidates(document, rule_keys: frozenset[str]) -> list[tuple[int, int]]:
    """The sentences of ``document`` that hold one of ``rule_keys`` (folded)."""
    if rule_keys not in _KEY_SETS:
        if len(_KEY_SETS) >= 64:  # a long-lived process that saw many configurations
            _KEY_SETS.clear()
        _KEY_SETS[rule_keys] = None
    held = document.shared(("VAG", "key index"), dict)  # remade when a rule brings new keys
    index = held.get("index")
    if index is None or not rule_keys <= index.keys:
        index = held["index"] = _KeyIndex(document, frozenset().union(*_KEY_SETS))
    return index.candidates(rule_keys)


def _context(document, generic: frozenset[str]) -> Context:
    """The document's Context, made once for all the rules that need it."""
    return document.shared(("VAG", "context", generic), lambda: Context(document, set(generic)))


def _leading_name(token: str, context: Context) -> bool:
    """Whether a sentence's first word that modifies the phrase after it is a name
    ("Harvard researchers say"): capitalised as a name, not generic ("Most", "Leading"),
    and never written in lower case in the document."""
    return context.is_name(token, False) and _word_key(token) not in context.lower


# -- the rules ----------------------------------------------------------------

_PROSE_KINDS = ("paragraph", "list_item", "table_cell", "blockquote")


class _VagueRule(Rule):
    lists: tuple[str, ...] = ()
    # The lists whose matches start the rule's work: a sentence without one is skipped.
    trigger_lists: tuple[str, ...] = ()
    skip_headings = True

    def __init__(self, settings=None):
        super().__init__(settings)
        self._lists = {name: effective_list(self.settings, name) for name in self.lists}
        self._matchers = {name: compile_list(entries) for name, entries in self._lists.items()}
        keys = [self._matchers[name].keys for name in self.trigger_lists]
        self._keys = None if not keys or None in keys else frozenset().union(*keys)
        self._generic = frozenset(_norm(e) for e in self._lists.get("generic-terms", ()))

    def matcher(self, name: str) -> Matcher:
        return self._matchers[name]

    def entries(self, name: str) -> tuple[str, ...]:
        return self._lists[name]

    def sentences(self, document):
        """The sentences the rule reads: only those that may hold a match of its
        ``trigger_lists`` (every other sentence gives nothing)."""
        kinds = None if not self.skip_headings else _PROSE_KINDS
        return _sentences(document, kinds,
                          None if self._keys is None else _candidates(document, self._keys))

    def context(self, document) -> Context:
        return _context(document, self._generic)

    def matches(self, document, sentence: _Sentence, name: str):
        """Matches of list ``name`` in ``sentence`` that are real prose, outside
        quotations and outside the exceptions."""
        exceptions = None
        for m in self.matcher(name).finditer(sentence.text, sentence.folded):
            s, e = m.start("m"), m.end("m")
            if _overlaps(sentence.quotes, s, e):
                continue
            if exceptions is None:  # only sentences with a match pay for this
                exceptions = [(x.start("m"), x.end("m"))
                              for x in self.matcher("exceptions").finditer(sentence.text, sentence.folded)] \
                    if "exceptions" in self._lists else []
            if _overlaps(exceptions, s, e):
                continue
            if _masked_words(document, sentence.segment, sentence.start + s, sentence.start + e):
                continue
            yield s, e, _phrase_text(m.group("m"))

    @staticmethod
    def _demonym_before_collective(text: str, match, collective) -> bool:
        """Whether the capitalised word ``match`` opens a run of them that ends in a
        demonym right before a collective noun (its start in ``collective``):
        "Islamic nations", "Latin American countries"."""
        last, end = match.group(0), match.end()
        while True:
            space = _SPACE_RUN.match(text, end)
            if space is None:
                return False
            if space.end() in collective:
                return bool(_DEMONYM_RE.search(last))
            word = _CAPITALISED_WORD.match(text, space.end())
            if word is None:
                return False
            last, end = word.group(0), word.end()

    def names_something(self, document, sentence: _Sentence, context: Context, *,
                        exclude: tuple[int, int] = (0, 0), numbers: bool = True,
                        collective: set[int] = frozenset()) -> bool:
        """Whether the sentence (outside ``exclude``) names something specific. A
        demonym before a collective noun (offsets in ``collective``) names no one:
        "multiple Islamic nations", "several Latin American countries"."""
        raw = sentence.raw(document)
        if _LINK_RE.search(raw) or _CITATION_RE.search(raw):
            return True
        if numbers and _CODE_RAW_RE.search(raw):
            return True
        if any(e - s > 2 and (e <= exclude[0] or s >= exclude[1]) for s, e in sentence.quotes):
            return True
        text = sentence.text
        first = True
        for match in _TOKEN_RE.finditer(text):
            token = match.group(0)
            inside = exclude[0] <= match.start() < exclude[1]
            initial = first
            first = False
            if inside:
                continue
            if numbers and token.lower() in _NUMBER_WORDS:
                return True
            if numbers and _CODE_TOKEN_RE.search(token):
                return True
            if context.is_name(token, initial):
                if collective and self._demonym_before_collective(text, match, collective):
                    continue
                return True
        if numbers:
            outside = text[:exclude[0]] + " " + text[exclude[1]:]
            if _DIGIT_RE.search(outside):
                return True
        return False


# VAG101: a proposal reported, not a claim ("it has been suggested that the module be
# renamed", "some have suggested adding a builtin", "some have argued for mixed use"):
# a verb of proposing by people, then a gerund, "for", or a "that" clause whose verb is
# a subjunctive "be", "should" or "ought".
_PROPOSING = re.compile(r"\b(?:suggest|suggests|suggested|propose|proposes|proposed|argue|argues|"
                        r"argued|recommend|recommends|recommended)\Z", re.IGNORECASE)
_EVIDENCE_SUBJECT = re.compile(r"\b(?:stud(?:y|ies)|research|surveys?|statistics|reports?|polls?|"
                               r"data|evidence|sources|insiders)\b", re.IGNORECASE)
_PROPOSAL_AFTER = re.compile(r"\s+(?:for\b|(?!(?:during|nothing|something|anything|everything|"
                             r"thing|king|evening|morning|spring|string|ring|being)\b)[a-z]+ing\b"
                             r"|that\b(?P<clause>[^.;:!?]{0,120}))", re.IGNORECASE)
_PROPOSAL_VERB = re.compile(r"\b(?:should|ought)\b|(?P<be>\bbe\b)", re.IGNORECASE)
_TRAILING_THAT = re.compile(r"\s+that\Z", re.IGNORECASE)
_CLAUSE = re.compile(r"[^.;:!?]{0,120}")
_NOT_SUBJUNCTIVE = frozenset("can cannot will may might to not would could should must".split())


def _reports_a_proposal(text: str, s: int, e: int) -> bool:
    """Whether the attribution at ``s``..``e`` reports what someone proposed."""
    phrase = text[s:e]
    that = _TRAILING_THAT.search(phrase)  # "it has been suggested that": the clause follows
    if that:
        phrase = phrase[:that.start()]
    if not _PROPOSING.search(phrase) or _EVIDENCE_SUBJECT.search(phrase):
        return False
    if that:
        clause = _CLAUSE.match(text, e).group()
    else:
        after = _PROPOSAL_AFTER.match(text, e)
        if after is None:
            return False
        clause = after.group("clause")
    if clause is None:
        return True  # "suggested adding", "argued for"
    for verb in _PROPOSAL_VERB.finditer(clause):
        if not verb.group("be"):
            return True
        before = clause[:verb.start()].split()
        if not before or before[-1].lower() not in _NOT_SUBJUNCTIVE:
            return True  # "that the stdlib be placed"
    return False


class UnsupportedAttribution(_VagueRule):
    """A claim attributed to experts, studies or "many" without naming any.

    ## What it flags
    "Experts agree", "studies show", "research has shown", "it is widely
    believed", "many argue", "some say", "according to experts" and their kin,
    when the sentence names no source: no name right before the phrase ("MIT
    researchers say"), no "according to" a named source, no link, footnote or
    citation (`[3]`, `(Smith 2019)`), no quotation. Numbers are not a source:
    "Research shows that 60% of..." is still flagged. A proposal reported for
    discussion is not a claim and borrows no authority: "it has been suggested
    that the module be renamed", "some have suggested adding a builtin", "some
    have argued for mixed use" (a design document weighing the ideas it was
    sent) are left alone; "it has been suggested that the name stands for..."
    is not.

    ## Why it matters
    An unnamed authority cannot be checked. The phrase borrows weight the
    writer has not earned, and a reader who doubts the claim has nowhere to go.

    ## Example
    "Studies show that remote teams are more productive."

    ## Instead
    Name the source: "A 2023 Stanford study of 1,600 employees (Bloom et al.)
    found remote workers 4% more productive." Or state the claim as your own.

    ## Options
    `attribution`, `extend-attribution`, `remove-attribution`: the phrase list
    (data/vag_attribution.txt). `exceptions`, `extend-exceptions`,
    `remove-exceptions`: phrases never reported ("our research", "have some
    say"). `generic-terms` (with `extend-`/`remove-`): capitalised words that
    name no one. All in `[tool.textsieve.vag]`.
    """

    code = "VAG101"
    name = "unsupported-attribution"
    severity = "warning"
    lists = ("attribution", "exceptions", "generic-terms")
    trigger_lists = ("attribution",)
    options = _list_options(*lists)

    def check(self, document):
        context = None
        for sentence in self.sentences(document):
            for s, e, phrase in self.matches(document, sentence, "attribution"):
                if sentence.text.rstrip().endswith("?"):
                    continue
                if _reports_a_proposal(sentence.text, s, e):
                    continue
                context = context or self.context(document)
                if self._sourced(document, sentence, context, s, e):
                    continue
                yield self.finding(
                    document, sentence.start + s, sentence.start + e,
                    f"'{phrase}' attributes the claim to no one named: cite the source "
                    f"(who, where published, a link or reference), or state it as your own claim")

    def _sourced(self, document, sentence, context, s, e) -> bool:
        raw = sentence.raw(document)
        if _LINK_RE.search(raw) or _CITATION_RE.search(raw):
            return True
        if any(len(sentence.text[qs:qe].split()) >= 2 for qs, qe in sentence.quotes):
            return True
        text = sentence.text
        passive = bool(re.match(r"(?:it|is|are|was|were)\b", text[s:e], re.IGNORECASE))
        tokens = list(_TOKEN_RE.finditer(text))
        for index, match in enumerate(tokens):
            token = match.group(0)
            adjacent = match.end() <= s and not text[match.end():s].strip()
            if s <= match.start() < e:
                continue
            if not context.is_name(token, index == 0):
                # "Harvard researchers say": a sentence's first word that modifies the
                # phrase is a name unless it is generic ("Most", "Leading") or the
                # document writes it in lower case too.
                if not (index == 0 and adjacent and _leading_name(token, context)):
                    continue
            # A name before the phrase ("Harvard researchers say", "A World Bank
            # review of 45 studies found"), except before a passive one, where it
            # is the topic ("Marchetti is widely regarded as").
            if match.end() <= s and not passive:
                return True
            # ... or that is introduced as the source, or a bracketed reference.
            before = text[:match.start()]
            if _SOURCE_LEAD_RE.search(before):
                return True
            if before.count("(") > before.count(")"):
                return True
        return False


class EmptyExample(_VagueRule):
    """An example, a case or evidence is announced, and nothing is named.

    ## What it flags
    A sentence that announces an example or evidence ("A significant example of
    this can be seen in", "Cases in point are", "One such initiative",
    "as evidenced by") and then names nothing specific: no proper noun beyond
    the document's own subject, no number or date, no link, code or quotation.
    Sentences opened by "For example," or "For instance," are flagged only when
    they are also vague: hypothetical ("could"), vaguely quantified ("various",
    "many") or about collectives that name no one ("countries", "companies").
    Not flagged: sentences addressed to the reader ("For example, you can..."),
    conditions ("For example, if the path..."), an example that follows (a
    colon, "the following", a code block next), and an announcement whose
    next sentence in the paragraph names the case. The finding sits on the
    announcing phrase, the words a reader takes as a promise.

    The document's subject is its title's capitalised words and the capitalised
    terms that recur through it: in an essay titled "... Islamic Nations", the
    word "Islamic" names no particular nation.

    ## Why it matters
    An example is evidence. One that names nothing gives the reader nothing to
    check and makes a general claim look supported.

    ## Example
    "A significant example of this can be seen in military exercises between
    the armed forces of multiple Islamic nations and their international
    counterparts."

    ## Instead
    Name the case: "In 2019, the armed forces of Jordan and Pakistan held a
    joint exercise, Fajar-1, near Amman." Or drop the announcement and make the
    general claim plainly.

    ## Options
    `example-markers`, `example-openers`, `vague-cues`, `exceptions`,
    `generic-terms`, each with `extend-` and `remove-` (data/vag_*.txt), in
    `[tool.textsieve.vag]`.
    """

    code = "VAG102"
    name = "empty-example"
    severity = "warning"
    lists = ("example-markers", "example-openers", "vague-cues", "exceptions", "generic-terms")
    trigger_lists = ("example-markers", "example-openers")
    options = _list_options(*lists)

    def check(self, document):
        context = None
        for sentence in self.sentences(document):
            found = None
            for s, e, phrase in self.matches(document, sentence, "example-markers"):
                found = (s, e, phrase, True)
                break
            if found is None:
                for s, e, phrase in self.matches(document, sentence, "example-openers"):
                    found = (s, e, phrase, False)
                    break
            if found is None:
                continue
            s, e, phrase, strong = found
            # "An example of the output." is a caption, not a claim: an announcement
            # ending in "of" needs a verb after it ("... is", "... can be seen in").
            if phrase.lower().endswith(" of") and not _CLAIM_VERB_RE.search(sentence.text[e:]):
                continue
            if self._example_follows(document, sentence, e):
                continue
            collective = {m[0] for m in self.matches(document, sentence, "vague-cues")}
            if strong and self._not_announced(sentence.text, s, e, bool(collective)):
                continue
            if not strong and not self._vague_opening(document, sentence, s, e):
                continue
            if sentence.text[:s].count("(") > sentence.text[:s].count(")"):
                continue  # "(for example, multiplication before division)" gives the item
            context = context or self.context(document)
            if self.names_something(document, sentence, context, exclude=(s, e),
                                    collective=collective):
                continue
            if strong and self._next_names_something(document, sentence, context):
                continue
            yield self.finding(
                document, sentence.start + s, sentence.start + e,
                f"'{phrase}' announces an example but the sentence names none: give the case "
                f"itself (who or what, where, when, a number or a source)")

    def _example_follows(self, document, sentence, e: int) -> bool:
        # "Another example is the testing of one function: if expf is found, ...".
        if _FORWARD_RE.search(sentence.text.rstrip()) or ":" in sentence.text[e:]:
            return True
        segment = sentence.segment
        if sentence.index == len(segment.sentences) - 1:
            later = [seg.start for seg in document.segments if seg.start >= segment.end]
            gap = document.text[segment.end:min(later) if later else len(document.text)]
            if _CODE_FENCE_RE.search(gap) or _CODE_FENCE_RE.search(document.text[sentence.start:segment.end]):
                return True
        return False

    @staticmethod
    def _not_announced(text: str, s: int, e: int, collective: bool) -> bool:
        """Whether a marker announces no evidence: a comparison ("than is apparent in"),
        a relative clause ("which is evident in"), a situation ("One example is when")
        or, with no collective noun in the sentence, a kind of thing ("An example could
        be a queue length"; "... could be with allied nations" is still a claim)."""
        if _NOT_A_CLAIM_BEFORE.search(text[:s]):
            return True
        if _SITUATION_AFTER.match(text[e:]):
            return True
        hypothetical = _HYPOTHETICAL_BE.search(text, s)
        return bool(hypothetical and hypothetical.group(1).lower() not in _EVIDENCE_PARTICIPLES
                    and not collective)

    def _vague_opening(self, document, sentence, s, e) -> bool:
        rest = sentence.text[e:].lstrip(" ,")
        if _SECOND_PERSON.search(sentence.text) or _CONDITIONAL_RE.match(rest):
            return False
        # "For instance, we might take a group of people", "teams can start with": an
        # illustration or advice, not a claim that needs a case.
        if _ILLUSTRATION_RE.match(rest):
            return False
        return any(True for _ in self.matches(document, sentence, "vague-cues"))

    def _next_names_something(self, document, sentence, context) -> bool:
        sentences = sentence.segment.sentences
        if sentence.index + 1 >= len(sentences):
            return False
        nxt = sentences[sentence.index + 1]
        segment = sentence.segment
        offset = nxt.start - segment.start
        quotes = [(s - offset, e - offset) for s, e in _quote_spans(segment.text)
                  if offset <= s and e <= offset + len(nxt.text)]
        following = _Sentence(segment, sentence.index + 1, nxt.start, nxt.end, nxt.text, quotes)
        return self.names_something(document, following, context)


class Puffery(_VagueRule):
    """Praise and inflated importance with nothing behind them.

    ## What it flags
    Words and phrases that praise or inflate without information: "pivotal",
    "of paramount importance", "commendable", "unparalleled", "world-class",
    "stands as a testament to", "cutting-edge", "a seamless experience",
    "renowned"... Not
    inside names ("Paramount Pictures", "Pivotal Tracker": the word is
    capitalised mid-sentence or followed by a capitalised word), quotations,
    technical senses ("pivotal element", "first-class functions", "seamless
    texture", "handled seamlessly" (transparently), "a cutting-edge release", "a cutting-edge feature" beside
    "nightly" or "unstable", "the next level of nesting"), negated ("may not
    be seamless"), or reported words ("Lumio describes its process as
    groundbreaking"). Headings are checked like sentences.

    ## Why it matters
    Puffery asks the reader to take the writer's word for it. Editors of
    encyclopedias and newspapers strike it; readers of marketing discount it.

    ## Example
    "Military cooperation plays a pivotal role in maintaining stability."

    ## Instead
    The fact that would earn the word: "Joint patrols cut border incidents by
    40% between 2015 and 2020." A figure, a comparison, an award by name, a source.

    ## Options
    `puffery`, `extend-puffery`, `remove-puffery`: the list
    (data/vag_puffery.txt). `exceptions`, `reporting-verbs`, each with
    `extend-` and `remove-`. In `[tool.textsieve.vag]`.
    """

    code = "VAG103"
    name = "puffery"
    severity = "warning"
    lists = ("puffery", "exceptions", "reporting-verbs")
    trigger_lists = ("puffery",)
    options = _list_options(*lists)
    skip_headings = False

    def check(self, document):
        for sentence in self.sentences(document):
            reported = None
            for s, e, phrase in self.matches(document, sentence, "puffery"):
                if self._in_name(sentence.text, s, e):
                    continue
                if _NEGATED.search(sentence.text[:s]):
                    continue  # "may not be seamless": no praise
                if phrase.lower().startswith("cutting") and _UNSTABLE.search(sentence.text):
                    continue  # "a cutting-edge feature" of a nightly: new and unstable
                if reported is None:
                    reported = [m[0] for m in self.matches(document, sentence, "reporting-verbs")]
                if any(r < s for r in reported):
                    continue
                yield self.finding(
                    document, sentence.start + s, sentence.start + e,
                    f"'{phrase}' is puffery: give the fact that earns it (a figure, a comparison, "
                    f"a named award or source), or cut it")

    @staticmethod
    def _in_name(text: str, s: int, e: int) -> bool:
        word = text[s:e]
        initial = not text[:s].strip(" \"“‘'(*_")
        after = re.match(r"[\s*_]+([^\W\d_][\w'’-]*)", text[e:])
        before = re.search(r"([^\W\d_][\w'’-]*)[\s*_]+$", text[:s])
        next_cap = bool(after and after.group(1)[0].isupper())
        prev_cap = bool(before and before.group(1)[0].isupper() and text[:before.start()].strip())
        if word[0].isupper():
            return (not initial) or next_cap
        # A lower-case word inside a run of capitalised ones ("Seamless" in names is
        # caught above; "the iconic Eiffel Tower" is still puffery).
        return prev_cap and next_cap


class VagueQuantifier(_VagueRule):
    """A quantity with no number, or a hedge with nothing behind it.

    ## What it flags
    Quantifiers that give no number — "various", "numerous", "several", "a
    multitude of", "a plethora of", "countless", "a wide range of" — when the
    sentence has no number and does not list the items (a colon, a
    parenthesis, "such as", "including", "e.g."); and hedges — "arguably", "to
    some extent", "in some ways", "somewhat", "it could be argued". Off by
    default, severity info: documentation uses "several" and "various"
    legitimately, so this is for editors who want every one reviewed.

    ## Why it matters
    "Numerous studies" and "various factors" sound like information and carry
    none; a hedge tells the reader the writer is unsure without saying why.

    ## Example
    "The company has received numerous awards."

    ## Instead
    "The company won the 2015 Design Council award and two Red Dot awards."
    Give the number, list the items, or state the claim with its evidence.

    ## Options
    `quantifiers`, `hedges`, `exceptions`, each with `extend-` and `remove-`
    (data/vag_*.txt), in `[tool.textsieve.vag]`.
    """

    code = "VAG104"
    name = "vague-quantifier"
    severity = "info"
    default_enabled = False
    lists = ("quantifiers", "hedges", "exceptions")
    trigger_lists = ("quantifiers", "hedges")
    options = _list_options(*lists)

    def check(self, document):
        for sentence in self.sentences(document):
            text = sentence.text
            counted = bool(_DIGIT_RE.search(text)) or any(
                w.lower() in _NUMBER_WORDS for w in re.findall(r"[A-Za-z]+", text))
            found = [(s, e, p, "quantifiers") for s, e, p in self.matches(document, sentence, "quantifiers")]
            found += [(s, e, p, "hedges") for s, e, p in self.matches(document, sentence, "hedges")]
            for s, e, phrase, kind in sorted(found):
                if counted:
                    continue
                if kind == "quantifiers":
                    if _ENUMERATION_RE.search(text[e:]):
                        continue
                    message = (f"'{phrase}' gives no number: say how many, or list them")
                else:
                    message = (f"'{phrase}' hedges without saying how far or on what grounds: "
                               f"state the claim with its evidence, or drop the hedge")
                yield self.finding(document, sentence.start + s, sentence.start + e, message)


class FillerPhrase(_VagueRule):
    """A stock phrase that carries no content.

    ## What it flags
    Openers and connectives that add words and no meaning: "In conclusion,",
    "In essence,", "It is worth noting that", "It should be noted that",
    "Needless to say", "plays a pivotal role in", "in today's ever-evolving
    landscape", "in the realm of", "first and foremost". Off by default,
    severity info: these are matters of style, and "plays a key role in" is
    sometimes the plainest way to say it.

    With VAG103 on, "plays a pivotal role in" is reported by both rules: the
    puffery ("pivotal") and the empty frame ("plays a ... role in") are two
    problems with two fixes.

    ## Why it matters
    Filler dilutes the sentences around it and is a mark of generated or
    padded prose; "plays a vital role in" hides what the thing actually does.

    ## Example
    "In conclusion, military cooperation plays a vital role in security."

    ## Instead
    Delete the opener, and say what happens: "Joint exercises let the two
    armies share radio procedures."

    ## Options
    `filler`, `extend-filler`, `remove-filler`, `exceptions` (with `extend-`
    and `remove-`), in `[tool.textsieve.vag]`.
    """

    code = "VAG105"
    name = "filler-phrase"
    severity = "info"
    default_enabled = False
    lists = ("filler", "exceptions")
    trigger_lists = ("filler",)
    options = _list_options(*lists)

    def check(self, document):
        for sentence in self.sentences(document):
            for s, e, phrase in self.matches(document, sentence, "filler"):
                if " role" in phrase.lower() or " part" in phrase.lower():
                    advice = "say what it does, for whom and how much"
                else:
                    advice = "delete it, or say the specific thing"
                yield self.finding(document, sentence.start + s, sentence.start + e,
                                   f"'{phrase}' is a stock phrase that carries no content: {advice}")


# The author speaking ("we probably need") or advising the reader ("this probably means your
# config is wrong"): honest uncertainty, not a claim hidden behind unnamed others.
_AUTHOR_OR_READER = re.compile(r"\b(?:[Yy]ou|[Yy]our|[Yy]ours|[Ww]e|[Oo]ur|[Uu]s|I|[Mm]y|[Ll]et's)\b")
_ACCORDING_TO_NAME = re.compile(r"\b(?i:according to)\s+(?:the\s+)?[A-Z]")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’.-]*)[\s,]*$")
_NAMED_SUBJECT = frozenset({"he", "she", "his", "her"})
_ACTIVE_VERBS = frozenset({"argue", "argues", "argued", "claims", "claimed", "believe", "believes",
                           "suggested", "suggests", "suggest"})
_APPROXIMATE = re.compile(r"\s+(?:\d|a\s+(?:dozen|hundred|thousand|million)\b)")
_WEASEL_KINDS = {
    "weasel-people": "names no one: say who, or how many",
    "weasel-attribution": "attributes the view to no one: say who holds it, with a source",
    "weasel-hedges": "hedges without grounds: give the evidence, or say who is unsure and why",
    "weasel-peacock": "praises without the fact: give what earns it (a figure, an award, a source)",
}


class WeaselWord(_VagueRule):
    """Words to watch, as encyclopedia editors flag them: who says, how many, how sure.

    ## What it flags
    What Wikipedia's "words to watch" guidance names and the other VAG rules do
    not already report: people and quantities that name no one ("some",
    "many", "critics", "scholars"), opinion attributed to
    no one ("is considered", "is said to", "claimed that", "it has been
    suggested", "may have"), hedges and epistemic adverbs ("probably",
    "allegedly", "supposedly", "seems to", "it is unclear whether"), and
    peacock terms ("famous", "legendary", "one of the most"). Not flagged:
    a sentence that gives its source (a link, a footnote or citation,
    "according to" a named source, a name right before the words: "Harvard
    historians", "Smith argued that"), quotations, and sentences in which the
    author speaks or addresses the reader ("we probably need", "this probably
    means your configuration is wrong"): that is honest uncertainty or advice;
    nor sentences about code (inline code, a call, a path), whose "some" and
    "might" describe what the code does.
    Off by default, severity info: `--select VAG` (every VAG rule) is the
    thorough profile for encyclopedic and journalistic text; documentation uses
    "some" and "many" legitimately.

    ## Why it matters
    Each of these asks the reader to trust a claim whose owner, size or
    grounds are hidden. Editors of reference works strike them or ask
    "who?", "how many?", "according to whom?".

    ## Example
    "The album is considered his best work, and some call it a turning point."

    ## Instead
    "Rolling Stone's 2004 review called the album his best work." Name the
    people, give the number, or state the claim with its evidence.

    ## Options
    `weasel-people`, `weasel-attribution`, `weasel-hedges`, `weasel-peacock`,
    each with `extend-` and `remove-` (data/vag_weasel_*.txt); `exceptions`
    and `generic-terms` as for the other rules. In `[tool.textsieve.vag]`.
    """

    code = "VAG106"
    name = "weasel-word"
    severity = "info"
    default_enabled = False
    kinds = tuple(_WEASEL_KINDS)
    # What the other rules report at the same words: left to them.
    others = ("attribution", "puffery", "quantifiers", "hedges")
    lists = kinds + others + ("exceptions", "generic-terms")
    trigger_lists = kinds
    options = _list_options(*lists)

    def check(self, document):
        context = None
        for sentence in self.sentences(document):
            # What rules out the whole sentence first: it is cheaper than the lists.
            if _AUTHOR_OR_READER.search(sentence.text) or sentence.text.rstrip().endswith("?"):
                continue
            raw = sentence.raw(document)
            if _LINK_RE.search(raw) or _CITATION_RE.search(raw) or _ACCORDING_TO_NAME.search(sentence.text):
                continue
            if _CODE_RAW_RE.search(raw):
                continue  # about code: "some" and "might" are its behaviour ("`read` might fail")
            found = sorted((s, e, phrase, kind) for kind in self.kinds
                           for s, e, phrase in self.matches(document, sentence, kind))
            if not found:
                continue
            taken = [(s, e) for name in self.others for s, e, _ in self.matches(document, sentence, name)]
            reported_until, named_subject = -1, False
            for s, e, phrase, kind in self._joined(sentence.text, found):
                if s < reported_until or _overlaps(taken, s, e):
                    continue
                if kind == "weasel-people" and _APPROXIMATE.match(sentence.text, e):
                    continue  # "some 1,000 photographs": an approximate count, not a claim
                context = context or self.context(document)
                if self._named_before(sentence.text, s, kind, context):
                    named_subject = True  # "Harvard historians" argued that
                    continue
                if kind == "weasel-attribution" and phrase.split()[0].lower() in _ACTIVE_VERBS \
                        and (named_subject or self._name_in(sentence.text[:s], context)):
                    continue  # "Hugh Clark denied this and claimed that": its subject is named
                reported_until = e
                yield self.finding(document, sentence.start + s, sentence.start + e,
                                   f"'{phrase}' {_WEASEL_KINDS[kind]}")

    @staticmethod
    def _joined(text: str, found):
        """Adjacent words of one kind as one finding: "some critics", not "some" and "critics"."""
        joined = []
        for s, e, phrase, kind in found:
            if joined and joined[-1][3] == kind and joined[-1][1] <= s and not text[joined[-1][1]:s].strip():
                first = joined[-1]
                joined[-1] = (first[0], e, _phrase_text(text[first[0]:e]), kind)
            else:
                joined.append((s, e, phrase, kind))
        return joined

    @staticmethod
    def _named_before(text: str, s: int, kind: str, context: Context) -> bool:
        """Whether a name stands right before the words: "Harvard historians",
        "Smith argued that" (or "he argued that", its subject named before)."""
        before = _WORD_BEFORE.search(text[:s])
        if before is None:
            return False
        word = before.group(1)
        if kind == "weasel-attribution" and word.lower() in _NAMED_SUBJECT:
            return True
        initial = not text[:before.start()].strip()
        return context.is_name(word, initial) or (initial and _leading_name(word, context))

    @staticmethod
    def _name_in(text: str, context: Context) -> bool:
        """Whether ``text`` (a sentence up to the words) holds a name, or "he" or "she"."""
        for index, match in enumerate(_TOKEN_RE.finditer(text)):
            token = match.group(0)
            if token.lower() in _NAMED_SUBJECT or context.is_name(token, index == 0):
                return True
        return False


RULES = [UnsupportedAttribution, EmptyExample, Puffery, VagueQuantifier, FillerPhrase, WeaselWord]
