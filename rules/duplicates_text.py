"""DUP's plain-Python half: what is read from a document's text without numpy.

Opaque tokens (what inline code, a URL or templating counts as when passages are
compared), navigation segments (a table of contents is not a passage), the
language a document declares, titles and their analysis (DUP103), and the
languages and versions of a corpus. DUP103 needs nothing else, so a run of the
default rules does not import numpy; ``duplicates_sketch`` and
``duplicates_match`` import these for the passage rules.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from textsieve.findings import Related, Span, span_in
from textsieve.rule import cyclic_gc_paused


# -- parameters ---------------------------------------------------------------
# Bump when what ``sketch_document`` returns changes: it is part of the cache key.
SKETCH_VERSION = 5
CAPTURE = 0.995  # probability that LSH proposes a pair exactly at the threshold


@dataclass(frozen=True)
class SketchParams:
    kind: str  # "word" or "char"
    size: int
    num_perm: int
    bands: int
    rows: int
    min_words: int
    allow: tuple[str, ...] = ()
    title_levels: int = 1
    table_cells: bool = False

    def key(self) -> tuple:
        return (SKETCH_VERSION, self.kind, self.size, self.num_perm, self.bands, self.rows,
                self.min_words, self.allow, self.title_levels, self.table_cells)


def parse_shingles(choice: str) -> tuple[str, int]:
    kind, _, size = choice.partition("-")
    return kind, int(size)


def choose_bands(threshold: float, num_perm: int, capture: float = CAPTURE) -> tuple[int, int]:
    """LSH banding (bands, rows) for ``num_perm`` values: the most rows per band
    (fewest chance candidates) whose probability of proposing a pair of
    similarity exactly ``threshold``, ``1 - (1 - t**r)**b``, is at least ``capture``.

    datasketch's own optimiser balances false positives against false
    negatives and proposes a pair at the threshold only about half the time;
    here a missed pair is a missed duplicate, while a spurious candidate only
    costs one exact verification.
    """
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if bands < 2:
            break
        if 1.0 - (1.0 - threshold ** rows) ** bands >= capture:
            best = (bands, rows)
    return best


def capture_probability(similarity: float, bands: int, rows: int) -> float:
    return 1.0 - (1.0 - similarity ** rows) ** bands


WORD_RE = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
_APOSTROPHES = str.maketrans("", "", "'’ʼ")


# -- what is compared -----------------------------------------------------------
# An opaque run (inline code, a URL, templating...) takes part in comparisons as one
# word, TOKEN_PREFIX and eight hex digits of a hash of its text: normalisation keeps it
# as it is (ASCII letters and digits), the minimum of words does not count it, and
# messages leave it out (``without_tokens``).
TOKEN_PREFIX = "zq"


_CODE_SPAN = re.compile(r"(`+)(.*?)\1", re.S)
_ROLE = re.compile(r":[\w:.+-]+:`(.*)`", re.S)
_AUTOLINK = re.compile(r"<(?:[A-Za-z][\w+.-]*:|[^\s<>@]+@)[^<>\s]*>")


# Runs a reader does not see as text: HTML comments and tags, template statements,
# a role's markup left around text that stays prose, reST's reference underscores.
_UNSEEN = re.compile(r"<!--.*|</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>|\{%.*%\}|:[\w:.+-]+:`|`?_{1,2}",
                     re.S)


_ALNUM = re.compile(r"[^\W_]")


def opaque_token(raw: str, before: str) -> str | None:
    """The word an opaque run stands for when passages are compared, so that "available
    as `self.env`" and "available as `self.config`" differ; None for a run no reader
    sees as text: a link's target or reference label (it follows "]"), a reST target
    (`` <target>``), a role's markup, an HTML tag or comment, a template statement.
    Code spans count by their content (`x` and ``x`` alike), roles by their text."""
    text = raw.strip()
    if not text or before == "]" or (raw[0].isspace() and text[0] == "<" and text[-1] == ">"):
        return None
    code = _CODE_SPAN.fullmatch(text) or _ROLE.fullmatch(text)
    if code is not None:
        text = " ".join(code.group(code.lastindex).split()).lstrip("~!")
    elif _AUTOLINK.fullmatch(text) is None and (_UNSEEN.fullmatch(text) or not _ALNUM.search(text)):
        return None
    if not text:
        return None
    return f"{TOKEN_PREFIX}{zlib.crc32(text.encode('utf-8', 'surrogatepass')):08x}"


# Links whose text is all a segment says make it navigation (a table of contents,
# mdBook's SUMMARY.md, "Translations: [..], [..]"), not a passage. Markdown inline,
# reference and autolinks, HTML anchors, reST cross-references and hyperlinks.
_LINK = re.compile(r"""
    (?=[!\[<:`])(?:  # where a link can start: the scan passes over other characters at once
    !?\[(?!\s*[xX ]?\s*\])(?:[^\[\]\n]|\n(?![ \t]*\n)|\[[^\[\]\n]*\])*\]
        (?:\((?:[^()\n]|\([^()\n]*\))*\)|\[[^\[\]\n]*\])?
  | <(?:https?|ftp|mailto):[^>\s]+>
  | <a\s[^>]*>.*?</a>
  | :(?:doc|ref|any|term|numref|download|std:doc|std:ref):`[^`]+`
  | `[^`\n]+`__?)
""", re.X | re.S)


_LEADING_LINK = re.compile(r"[\s*_]*(?:" + _LINK.pattern + ")", re.X | re.S)


# An index entry: a link, then a dash or colon and its description ("[Crates](crates.md) -
# A crate is…", "[hugo convert](/commands/hugo_convert/)	 - Convert…").
_DESCRIBED_LINK = re.compile(r"[\s*_]*(?:" + _LINK.pattern + r")[*_]*[ \t]*(?:[-–—:|]|\t)", re.X | re.S)


# Most words outside links that a navigation segment may have ("Translations:").
NAV_MAX_WORDS = 2


def _link_source(text: str, segment) -> tuple[int, str]:
    """The segment's source, from the start of its line's content when what comes
    before its first word is link or emphasis syntax (a segment starts at its first
    word, after a leading "[")."""
    start = segment.start
    while start > 0 and text[start - 1] in "[*_<!`":
        start -= 1
    return start, text[start:segment.end]


def _link_led(text: str, segment) -> tuple[bool, bool]:
    """(navigation: its words are link text but for NAV_MAX_WORDS, led: it opens with a link)."""
    start, source = _link_source(text, segment)
    links = list(_LINK.finditer(source))
    if not links:
        return False, False
    shown, last, seg_text = [], 0, segment.text  # the segment's text outside its links
    for m in links:
        a, b = max(m.start() + start - segment.start, 0), m.end() + start - segment.start
        shown.append(seg_text[last:a])
        last = max(last, b)
    shown.append(seg_text[last:])
    outside = len(WORD_RE.findall(" ".join(shown)))
    led = _LEADING_LINK.match(source) is not None
    return outside <= NAV_MAX_WORDS, led


def navigation_segments(document) -> set[int]:
    """Segments that are navigation, not passages: those whose words are link text
    (but for a label), and list items that open with a link beside another such item
    (an index whose entries are a link and a line of description)."""
    text = document.text
    marks = {}
    for index, segment in enumerate(document.segments):
        start, end = segment.start, segment.end
        if segment.kind != "heading" and (text.find("[", max(start - 1, 0), end) >= 0
                                          or text.find("`", start, end) >= 0
                                          or text.find("<", start, end) >= 0):
            marks[index] = _link_led(text, segment)
    nav = {i for i, (only_links, _led) in marks.items() if only_links}
    segments = document.segments
    for i, (_only, led) in marks.items():
        if led and segments[i].kind == "list_item" and (_DESCRIBED_LINK.match(
                text, *_link_bounds(text, segments[i])) or any(
                j in marks and marks[j][1] and segments[j].kind == "list_item" for j in (i - 1, i + 1))):
            nav.add(i)
    return nav


def _link_bounds(text: str, segment) -> tuple[int, int]:
    start, _source = _link_source(text, segment)
    return start, segment.end


def is_navigation_document(document, nav: set[int]) -> bool:
    """Mostly navigation (a SUMMARY.md, an index page): its title is not a document's title."""
    prose = sum(1 for segment in document.segments if segment.kind != "heading")
    return len(nav) >= 3 and 2 * len(nav) >= prose


_MOVED = re.compile(r"\b(?:has|have) (?:been )?moved\b|\bhas been relocated\b|\bnow lives (?:at|in)\b",
                    re.IGNORECASE)
STUB_WORDS = 30


def is_moved_stub(document) -> bool:
    """A page left where a moved one was ("This document has been moved to …"), with
    few words besides: it keeps the old title on purpose, for old links."""
    prose = [segment.text for segment in document.segments if segment.kind != "heading"]
    return sum(len(text.split()) for text in prose) <= STUB_WORDS and any(_MOVED.search(t) for t in prose)


_FENCE_END = re.compile(r"^(?:---|\.\.\.|\+\+\+)[ \t]*\r?$", re.M)
_LANG_KEY = re.compile(r"^(?:lang|language|locale)[ \t]*[:=][ \t]*[\"']?"
                       r"([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)[\"']?[ \t]*\r?$", re.M)


def declared_language(text: str) -> str:
    """The language a document's front matter declares (``lang: ja``, top level), folded, or ""."""
    first = text.find("\n")
    if first < 0 or text[:first].strip() not in ("---", "+++"):
        return ""
    end = _FENCE_END.search(text, first + 1, first + 1 + 8000)
    found = _LANG_KEY.search(text, first + 1, end.start()) if end else None
    return found.group(1).casefold().replace("_", "-") if found else ""


# Title words keep a "+" or "#" written on them: "C", "C++" and "C#" are three titles.
TITLE_WORD_RE = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*(?:\+\+|[+#])?")


def title_words(text: str) -> list[str]:
    return [w.translate(_APOSTROPHES) for w in TITLE_WORD_RE.findall(text.casefold())]


def _heading_text(text: str, segment) -> str:
    """A heading as it reads: its prose, with the text of its code spans and roles
    (so "The `env` attribute" and "The `config` attribute" are two titles)."""
    if not segment.opaque:
        return segment.compact()
    shown, last = [], 0
    for a, b in segment.opaque:
        raw = text[segment.start + a:segment.start + b]
        shown.append(segment.text[last:a])
        if opaque_token(raw, text[segment.start + a - 1] if segment.start + a else ""):
            code = _CODE_SPAN.fullmatch(raw.strip()) or _ROLE.fullmatch(raw.strip())
            shown.append(f" {code.group(code.lastindex).strip().lstrip('~!') if code else raw.strip()} ")
        else:
            shown.append(" ")
        last = b
    shown.append(segment.text[last:])
    return " ".join("".join(shown).split())


def sketch_titles(document, title_levels: int, nav: set[int] | None = None) -> tuple[list, set[int]]:
    """Title headings (level <= ``title_levels``; in reStructuredText, whose
    parser gives every section level 1, only the first heading). A document that is
    mostly navigation (``nav``: its navigation segments) has no title: a SUMMARY.md
    repeats the book's and its chapters' titles."""
    titles = []
    title_segments: set[int] = set()
    for index, segment in enumerate(document.segments):
        if segment.kind != "heading" or not 1 <= segment.level <= title_levels:
            continue
        if document.format == "rst" and titles:
            break
        text = _heading_text(document.text, segment)
        words = title_words(text)
        if not words:
            continue
        spans = [m.span() for m in TITLE_WORD_RE.finditer(text)]
        if len(spans) != len(words):  # case folding split a word: show the folded form
            text = " ".join(words)
            spans = [m.span() for m in re.finditer(r"\S+", text)]
        titles.append((segment.start, segment.end, tuple(words), text, tuple(spans),
                       segment.level))
        title_segments.add(index)
    if titles and document.format == "rst" and _rst_first_heading_has_siblings(document):
        titles = []
    if titles and (is_moved_stub(document) or is_navigation_document(
            document, navigation_segments(document) if nav is None else nav)):
        titles = []
    return titles, title_segments


def _rst_section_style(text: str, segment) -> tuple[str, bool]:
    """A reStructuredText section title's adornment: its underline character, and
    whether an overline of that character stands above it."""
    start = text.rfind("\n", 0, segment.start) + 1  # the title's line
    end = text.find("\n", segment.start)
    if end < 0:
        return "", False
    below_end = text.find("\n", end + 1)
    char = text[end + 1:below_end if below_end >= 0 else len(text)].strip()[:1]
    above = text[text.rfind("\n", 0, start - 1) + 1:start - 1].strip() if start else ""
    return char, bool(char) and len(above) >= 3 and above == char * len(above)


def _rst_first_heading_has_siblings(document) -> bool:
    """Whether another section of a reStructuredText document is adorned like its first:
    then the first is a section among others, not the document's title (docutils makes a
    title only of a first section with no siblings; a PEP's "Abstract", "Rejection Notice")."""
    headings = [segment for segment in document.segments if segment.kind == "heading"]
    if len(headings) < 2:
        return False
    first = _rst_section_style(document.text, headings[0])
    return any(_rst_section_style(document.text, h) == first for h in headings[1:])


ANCHORS = 16  # links kept per place from one group of copies; title pairs per bucket member


@dataclass(frozen=True)
class MatchParams:
    threshold: float
    kind: str
    size: int
    scope: str  # "both", "cross-file", "within-file"
    max_related: int
    boilerplate_min_documents: int
    title_min_shared_words: int = 4
    untranslated: bool = False  # report a translation's passages left as in its source
    frames: bool = False  # report parallel phrasing (see parallel_frame) as near-duplicates


@dataclass
class Reported:
    """One place to report, before it becomes a Finding."""

    code: str
    span: Span
    message: str
    text: str
    related: list[Related] = field(default_factory=list)


# -- variants: the languages and versions of one set of documents -------------------
# ISO 639-1 codes, as language folders name them ("ja", "pt-br", "zh_CN", "zh-Hant").
_LANGUAGES = frozenset("""
    af am ar as az be bg bn bo bs ca cs cy da de dv el en eo es et eu fa fi fil fr fy ga gd gl
    gu ha he hi hr ht hu hy id ig is it ja jv ka kk km kn ko ku ky la lb lo lt lv mg mi mk ml mn
    mr ms mt my nb ne nl nn no or pa pl ps pt qu ro ru rw sa sd si sk sl so sq sr su sv sw ta te
    tg th tk tl tr tt ug uk ur uz vi xh yi yo zh zu""".split())


# A language axis needs one of these among its folders ("it" and "id" beside "is" are not one).
_COMMON_LANGUAGES = frozenset("en ja zh ko fr de es pt ru it".split())


_LANGUAGE_FOLDER = re.compile(r"([a-z]{2,3})(?:[-_](?:[a-z]{2}|[a-z]{4}|\d{3}))?")
_VERSION_FOLDER = re.compile(r"v\d+(?:\.\d+)*(?:\.x)?|\d+\.(?:\d+|x)(?:\.\d+)*")


@dataclass
class Variants:
    """Which documents are languages or versions of one another: a corpus with folders
    content/en and content/ja, or docs/v3.4 and docs/v3.5 (two or more such folders
    under one parent), or front matter declaring two or more languages. Passages of
    different variants are never compared: a translation, or the next version, repeats
    its source by design."""

    variant: list[int]  # per document: its variant (language and versions), numbered
    lang: list[str]  # per document: its language ("" where the corpus has one)
    key: list[str]  # per document: its path with the variant folders taken out
    source: str  # the language translations are made from ("en" when there is one)

    @property
    def count(self) -> int:
        return len(set(self.variant))


def _folder_label(part: str) -> tuple[str, str] | None:
    folded = part.casefold()
    m = _LANGUAGE_FOLDER.fullmatch(folded)
    if m and m.group(1) in _LANGUAGES:
        return "lang", folded.replace("_", "-")
    if _VERSION_FOLDER.fullmatch(folded):
        return "version", folded
    return None


def corpus_variants(paths: list[str], declared: list[str]) -> Variants:
    """The variants of a corpus, from its paths and the languages its documents declare."""
    split = [re.split(r"[\\/]", path) for path in paths]
    labels: dict[tuple, set[str]] = {}  # (parent folders, kind) -> labels seen there
    for parts in split:
        for i, part in enumerate(parts[:-1]):
            found = _folder_label(part)
            if found:
                labels.setdefault((tuple(parts[:i]), found[0]), set()).add(found[1])
    axes = {slot for slot, seen in labels.items()
            if len(seen) >= 2 and (slot[1] == "version" or seen & _COMMON_LANGUAGES
                                   or {label.split("-")[0] for label in seen} & _COMMON_LANGUAGES)}
    languages_declared = {lang for lang in declared if lang}
    usual = max(sorted(languages_declared), key=declared.count) if languages_declared else ""
    numbers: dict[tuple, int] = {}
    variant, langs, keys = [], [], []
    for parts, lang in zip(split, declared):
        folder_lang, versions, key = "", [], list(parts)
        for i, part in enumerate(parts[:-1]):
            found = _folder_label(part)
            if found and (tuple(parts[:i]), found[0]) in axes:
                if found[0] == "lang":
                    folder_lang, key[i] = found[1], "*"
                else:
                    versions.append(found[1])
        if folder_lang:
            lang = folder_lang
        elif len(languages_declared) >= 2:
            lang = lang or usual
        else:
            lang = ""
        langs.append(lang)
        keys.append("/".join(key))
        variant.append(numbers.setdefault((lang, tuple(versions)), len(numbers)))
    present = set(langs) - {""}
    source = "en" if "en" in present else (max(sorted(present), key=langs.count) if present else "")
    return Variants(variant, langs, keys, source)


def location(span: Span) -> str:
    return f"{span.path}:{span.line}:{span.column}"


class UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


# -- titles (DUP103) --------------------------------------------------------------------
def analyse_titles(collected, params: MatchParams) -> list[Reported]:
    """Titles of different documents that are the same, or share a run of at
    least ``title_min_shared_words`` words covering half of each title."""
    with cyclic_gc_paused():
        return _analyse_titles(collected, params)


def _analyse_titles(collected, params: MatchParams) -> list[Reported]:
    entries = []  # (path, line_starts, start, end, words, display text, word spans)
    documents = sorted(((p, d) for p, d in collected if getattr(d, "titles", None) is not None),
                       key=lambda pd: pd[0])
    # Titles of one variant only: a translation or another version repeats them by design.
    variants = corpus_variants([p for p, _ in documents], [getattr(d, "lang", "") for _, d in documents])
    variant_of: dict[str, int] = {}
    for (path, sketch), variant in zip(documents, variants.variant):
        variant_of[path] = variant
        for start, end, words, text, spans, _level in sketch.titles:
            entries.append((path, sketch.line_starts, start, end, words, text, spans))
    k = params.title_min_shared_words
    buckets: dict[tuple, list[int]] = {}
    for index, entry in enumerate(entries):
        words = entry[4]
        grams = {words} if len(words) < k else {words[i:i + k] for i in range(len(words) - k + 1)}
        for gram in grams:
            buckets.setdefault(gram, []).append(index)
    links: dict[int, dict[int, tuple]] = {}
    uf = UnionFind(len(entries))
    checked: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        for a in members[:ANCHORS]:
            for b in members:
                if (a == b or entries[a][0] == entries[b][0] or (min(a, b), max(a, b)) in checked
                        or variant_of[entries[a][0]] != variant_of[entries[b][0]]):
                    continue
                checked.add((min(a, b), max(a, b)))
                if _versions_of_one_title(entries[a][4], entries[b][4]):
                    continue
                shared = _shared_run(entries[a][4], entries[b][4], k)
                if shared is None:
                    continue
                uf.union(a, b)
                links.setdefault(a, {})[b] = shared
                links.setdefault(b, {})[a] = (shared[2], shared[3], shared[0], shared[1], shared[4])
    clusters: dict[int, list[int]] = {}
    for index in links:
        clusters.setdefault(uf.find(index), []).append(index)
    out: list[Reported] = []
    order = lambda t: (entries[t][0], entries[t][2])
    for cluster in clusters.values():
        cluster.sort(key=order)
        per_path: dict[str, int] = {}
        for t in cluster:
            per_path[entries[t][0]] = per_path.get(entries[t][0], 0) + 1
        for i in cluster:
            path, line_starts, start, end, words, text, spans = entries[i]
            # Other documents' titles are counted, and read only as far as needed: a
            # template shared by thousands of titles made listing them all quadratic.
            count = len(cluster) - per_path[path]
            if not count:
                continue
            direct = links.get(i, {})
            ref = (min(direct, key=order) if direct else
                   next(t for t in cluster if entries[t][0] != path))
            ref_span = span_in(entries[ref][0], entries[ref][1], entries[ref][2], entries[ref][3])
            span = span_in(path, line_starts, start, end)
            more = count - 1
            tail = f" and {more} more" if more else ""
            if words == entries[ref][4]:
                message = (f'identical title "{text}": also the title of {location(ref_span)}'
                           f"{tail}; give each document a title of its own")
                note = "identical title"
            else:
                a0, a1, _b0, _b1, length = direct.get(ref) or _shared_run(words, entries[ref][4], 1)
                phrase = text[spans[a0][0]:spans[a1 - 1][1]]
                message = (f'near-identical title: "{text}" shares "{phrase}" ({length} of '
                           f"{len(words)} words) with the title of {location(ref_span)}{tail}; "
                           f"give each document a title that says what is specific to it")
                note = f'shares "{phrase}"'
            related = [Related(ref_span, note)]
            for t in cluster:
                if len(related) >= params.max_related:
                    break
                if t != ref and entries[t][0] != path:
                    related.append(Related(span_in(entries[t][0], entries[t][1], entries[t][2],
                                                   entries[t][3]), "similar title"))
            out.append(Reported("DUP103", span, message, " ".join(words), related))
    return out


def _number_runs(words: tuple) -> tuple[tuple, list[tuple]]:
    """The title with each run of number words as one "#", and the runs."""
    shape, runs = [], []
    for word in words:
        if word.isdigit():
            if shape and shape[-1] == "#":
                runs[-1] += (word,)
            else:
                shape.append("#")
                runs.append((word,))
        else:
            shape.append(word)
    return tuple(shape), runs


def _versions_of_one_title(a: tuple, b: tuple) -> bool:
    """Whether two titles differ only in a version or a year ("NumPy 1.5.0 Release
    Notes", "NumPy 2.5.0 Release Notes"): one series, each named for its release."""
    if a == b:
        return False
    shape_a, runs_a = _number_runs(a)
    shape_b, runs_b = _number_runs(b)
    if shape_a != shape_b:
        return False
    version = lambda run: len(run) >= 2 or (len(run[0]) == 4 and run[0][0] in "12")
    return all(x == y or (version(x) and version(y)) for x, y in zip(runs_a, runs_b))


def _shared_run(a: tuple, b: tuple, k: int):
    """(start in a, end in a, start in b, end in b, length) of the longest common
    run of words when the titles count as near-identical, else None."""
    if a == b:
        return (0, len(a), 0, len(b), len(a)) if len(a) >= 2 else None
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    length = match.size
    if length < k or 2 * length < min(len(a), len(b)):
        return None
    return (match.a, match.a + length, match.b, match.b + length, length)
