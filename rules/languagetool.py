"""LT: grammar, spelling and style from a LanguageTool server, through language-tool-python.

Off by default: LanguageTool needs Java and a large download. ``--select LT``
(or ``select = ["LT"]``) turns the family on.

How a run goes. ``collect`` (in the workers) turns each prose segment into the
text LanguageTool reads: markup dropped, line breaks folded, and inline code,
URLs and images replaced by a placeholder word (``X0``, ``X1``, ...) so that
the sentence around them stays a sentence (``X0`` is neutral to LanguageTool's
"a"/"an" and spelling rules); beside it, a map from every character back to its
document offset. ``check_corpus`` (once, in the main process) looks each
paragraph up in the cache, sends the others in a few large requests, maps
LanguageTool's offsets (UTF-16 units, as Java counts) back to document
characters, and caches the answer per paragraph. The three rules share one
session per run: each paragraph is sent once, and a local server, if one is
needed, starts once; ``close`` stops it.

A cached answer must not depend on the paragraphs it was sent with. Batched
paragraphs are therefore separated by a sentence of their own (so that rules
looking at neighbouring sentences see each paragraph alone), a paragraph whose
brackets or quotes do not pair up is sent alone (LanguageTool pairs them across
paragraphs), and LanguageTool's leniency for a one-word text is applied to
one-word paragraphs. Checked on 1,821 paragraphs of Node.js documentation:
batched answers equal paragraph-by-paragraph answers, at a sixth of the time.

Where LanguageTool comes from, in this order: the ``url`` option (or
``--languagetool-url``); an installation on this machine, started through
language-tool-python's local mode (never downloaded at run time); otherwise the
family is skipped with ``RuleUnavailable`` and a message saying how to get one.
"""

from __future__ import annotations

import bisect
import os
import re
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from textsieve.cache import cache_key
from textsieve.findings import Fix, span_in
from textsieve.rule import Option, Rule, RuleUnavailable

# Bump when what collect() sends or how answers are kept changes: it is part of every cache key.
FORMAT_VERSION = 1

OPTIONS = {
    "url": Option("", "URL of a running LanguageTool server, e.g. 'http://localhost:8081' "
                      "(also --languagetool-url). Empty: start a local server for the run."),
    "language": Option("en-US", "Language and variant of the text, as LanguageTool names it: "
                                "'en-US', 'en-GB', 'de-DE', ..."),
    "enabled-rules": Option([], "LanguageTool rule ids to turn on (e.g. rules off by default).",
                            kind="list[str]"),
    "disabled-rules": Option([], "LanguageTool rule ids never to report, e.g. 'EN_QUOTES'.",
                             kind="list[str]"),
    "enabled-categories": Option([], "LanguageTool category ids to turn on.", kind="list[str]"),
    "disabled-categories": Option([], "LanguageTool category ids never to report, e.g. "
                                      "'TYPOGRAPHY'.", kind="list[str]"),
    "spelling": Option(True, "Check spelling (LT002). False turns LanguageTool's TYPOS "
                             "category off."),
    "words": Option([], "Project word list: words never reported as misspelt (exact case; a "
                        "lower-case entry also covers its capitalised form).", kind="list[str]"),
    "picky": Option(False, "LanguageTool's picky mode: more style and typography rules."),
    "home": Option("", "Directory holding a LanguageTool-VERSION/ server for the local mode "
                       "(language-tool-python's LTP_PATH). Empty: $LTP_PATH, "
                       "$TEXTSIEVE_LT_HOME, ~/.cache/language_tool_python, then ./.languagetool."),
    "timeout": Option(60.0, "Seconds to wait for each answer from the server.", minimum=1,
                      maximum=3600),
    "request-size": Option(20000, "Most characters sent in one request (paragraphs are batched "
                                  "up to this size; a longer paragraph goes alone).",
                           minimum=1000, maximum=1_000_000),
}

# LanguageTool's issue types (ITS 2.0 quality issue types) that LT003 reports.
_STYLE_TYPES = frozenset({"style", "register", "typographical", "whitespace"})
_SPELLING_CATEGORY = "TYPOS"
_PLACEHOLDER = "X"
# Between batched paragraphs: a blank line and a sentence of its own, so that rules which
# look at neighbouring sentences ("three sentences begin with the same word", "sentence
# starts in lower case") see each paragraph as they would see it alone. Matches inside the
# separator are dropped.
_SEPARATOR = "\n\nZebras graze.\n\n"
# Bracket and quote pairs LanguageTool matches across paragraphs: a paragraph where one
# of them is unbalanced is sent alone, so that its answer does not depend on its neighbours.
_ONE_TOKEN = re.compile(r"[\w-]+")
_PAIRS = ("()", "[]", "{}", "\u201c\u201d", "\u2018\u2019", "\u00ab\u00bb", "\u2039\u203a")
_MAX_SUGGESTIONS = 3


class LanguageToolUnavailable(RuleUnavailable):
    """No LanguageTool server could be reached or started, or it failed mid-run."""


# -- what collect() keeps -----------------------------------------------------------
@dataclass(frozen=True)
class Paragraph:
    """One prose segment as LanguageTool reads it, and how to map it back.

    ``breaks`` are ``(index, offset)`` pairs: from ``text[index]`` on, characters
    come from consecutive document offsets starting at ``offset``. ``holes`` are the
    ``(start, end)`` ranges of ``text`` that stand for code, URLs or images.
    ``source`` is the document text from ``start`` to the paragraph's end.
    """

    text: str
    breaks: tuple[tuple[int, int], ...]
    holes: tuple[tuple[int, int], ...]
    start: int
    source: str
    kind: str

    def offset(self, index: int) -> int:
        """Document offset of ``text[index]``."""
        k = bisect.bisect_right(self.breaks, (index, float("inf"))) - 1
        at, base = self.breaks[k]
        return base + index - at

    def touches_hole(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.holes)


@dataclass(frozen=True)
class Collected:
    line_starts: tuple[int, ...]
    paragraphs: tuple[Paragraph, ...]


# Non-prose units located in the source of a segment, tried in this order at each position.
_UNITS = [
    ("hole", re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.S)),  # inline code (and rst ``literals``)
    ("hole", re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")),  # an image
    ("hole", re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>]+)>")),
    ("skip", re.compile(r"\]\((?:[^()\n]|\([^()\n]*\))*\)|\]\[[^\]\n]*\]")),  # a link's tail
    ("space", re.compile(r"<br\s*/?>", re.I)),
    ("skip", re.compile(r"</?[A-Za-z][^<>\n]*>|<!--.*?-->", re.S)),  # an HTML tag or comment
]


def _url_re():
    from textsieve.markup import URL_RE

    return URL_RE


def prose_paragraphs(document) -> list[Paragraph]:
    """The document's prose segments as LanguageTool should read them."""
    url_re = _url_re()
    src = document.text
    out: list[Paragraph] = []
    for seg in document.segments:
        # A segment ends at its outermost prose characters; inline code or a URL that opens
        # or closes the line ("`make` builds it") belongs to its sentence all the same.
        lo, hi = _line_bounds(src, seg)
        view = " " * (seg.start - lo) + seg.text + " " * (hi - seg.end)
        text: list[str] = []
        breaks: list[tuple[int, int]] = []
        holes: list[tuple[int, int]] = []
        pending = -1  # document offset of white space waiting to become one space
        expected = -1  # the document offset the next character continues from
        i = lo

        def emit(chunk: str, offset: int, contiguous: bool = True) -> None:
            nonlocal expected
            if not contiguous or offset != expected:
                breaks.append((len(text), offset))
            text.extend(chunk)
            expected = offset + len(chunk) if contiguous else -1

        def flush_space() -> None:
            nonlocal pending
            if pending >= 0 and text:
                emit(" ", pending)
            pending = -1

        while i < hi:
            ch = view[i - lo]
            if not ch.isspace():
                flush_space()
                emit(ch, i)
                i += 1
                continue
            if src[i].isspace():
                if pending < 0:
                    pending = i
                i += 1
                continue
            # A hidden character: markup, or the start of code, a URL, an image, a tag.
            unit = _unit_at(src, view, lo, i, hi, url_re)
            if unit is None:
                i += 1
                continue
            kind, unit_end = unit
            if kind == "hole":
                flush_space()
                word = f"{_PLACEHOLDER}{len(holes)}"
                holes.append((len(text), len(text) + len(word)))
                emit(word, i, contiguous=False)
            elif kind == "space" and pending < 0:
                pending = i
            i = unit_end
        if text and any(not _inside(holes, k) and c.isalnum() for k, c in enumerate(text)):
            out.append(Paragraph("".join(text), tuple(breaks), tuple(holes), lo, src[lo:hi],
                                 seg.kind))
    return out


def _line_bounds(src: str, seg) -> tuple[int, int]:
    """From the start of the segment's first line to the end of its last (within a table
    cell: between its pipes)."""
    lo = src.rfind("\n", 0, seg.start) + 1
    hi = src.find("\n", seg.end)
    hi = len(src) if hi < 0 else hi
    if seg.kind == "table_cell":
        lo = max(lo, _last_pipe(src, lo, seg.start) + 1)
        nxt = _next_pipe(src, seg.end, hi)
        hi = nxt if nxt >= 0 else hi
    while hi > seg.end and src[hi - 1] in "\r":
        hi -= 1
    return lo, hi


def _last_pipe(src: str, lo: int, at: int) -> int:
    k = at - 1
    while k >= lo:
        if src[k] == "|" and (k == 0 or src[k - 1] != "\\"):
            return k
        k -= 1
    return lo - 1


def _next_pipe(src: str, at: int, hi: int) -> int:
    k = at
    while k < hi:
        if src[k] == "|" and (k == 0 or src[k - 1] != "\\"):
            return k
        k += 1
    return -1


def _inside(holes, index: int) -> bool:
    return any(s <= index < e for s, e in holes)


def _unit_at(src: str, view: str, lo: int, i: int, end: int, url_re) -> tuple[str, int] | None:
    """A non-prose unit starting at hidden offset ``i`` whose characters are all hidden."""
    candidates = [(kind, pattern.match(src, i, end)) for kind, pattern in _UNITS]
    candidates.append(("hole", url_re.match(src, i, end)))
    for kind, match in candidates:
        if match and match.end() > i and not view[i - lo:match.end() - lo].strip():
            return kind, match.end()
    return None


# -- the rules ------------------------------------------------------------------------
class _LanguageToolRule(Rule):
    severity = "warning"
    default_enabled = False
    fixable = True
    batched = True  # the corpus step only batches the server's requests
    options = OPTIONS

    # -- collect (workers) ----------------------------------------------------------
    def collect(self, document) -> Collected:
        return document.shared(("LT", "collected"), lambda: Collected(  # the same for the three rules
            tuple(document.line_offset(n) for n in range(1, document.line_count + 1)),
            tuple(prose_paragraphs(document))))

    # -- check (main process) -----------------------------------------------------
    def check_corpus(self, collected):
        session = _session_for(self)
        paragraphs = [p for _, data in collected if data for p in data.paragraphs]
        answers, failure = session.check(paragraphs)
        for path, data in collected:
            if not data:
                continue
            for paragraph in data.paragraphs:
                for match in answers.get(paragraph.text, ()):
                    if _code_for(match) != self.code:
                        continue
                    finding = self._finding(path, data, paragraph, match, session)
                    if finding is not None:
                        yield finding
        if failure and session.report_failure(self):
            raise LanguageToolUnavailable(failure)

    def _finding(self, path, data: Collected, paragraph: Paragraph, match: "RawMatch", session):
        if match.end <= match.start or match.end > len(paragraph.text):
            return None
        if paragraph.touches_hole(match.start, match.end):
            return None  # about code or a URL, which is not ours to judge
        matched = paragraph.text[match.start:match.end]
        if match.category == _SPELLING_CATEGORY and session.known_word(matched):
            return None
        if match.rule_id == "UPPERCASE_SENTENCE_START" and match.start == 0 \
                and paragraph.kind in ("list_item", "table_cell"):
            return None  # "- run the tests": list items and cells may start in lower case
        start = paragraph.offset(match.start)
        end = paragraph.offset(match.end - 1) + 1
        source = paragraph.source[start - paragraph.start:end - paragraph.start]
        fix = None
        if match.replacements and source == matched:
            fix = Fix(match.replacements[0], safe=False)
        message = _message(match, matched)
        return self.finding_at(span_in(path, data.line_starts, start, end), message, text=source,
                               fix=fix)

    def close(self) -> None:
        _close_session(self)


def _message(match: "RawMatch", matched: str) -> str:
    text = " ".join(match.message.split())
    message = f"[{match.rule_id}] '{matched}': {text}"
    suggestions = [r for r in match.replacements[:_MAX_SUGGESTIONS]]
    if suggestions:
        shown = ", ".join(f"'{s}'" if s.strip() else repr(s) for s in suggestions)
        message += f" (suggestion{'s' if len(suggestions) > 1 else ''}: {shown})"
    return message


def _code_for(match: "RawMatch") -> str:
    if match.category == _SPELLING_CATEGORY:
        return "LT002"
    if match.issue_type in _STYLE_TYPES:
        return "LT003"
    return "LT001"


class LanguageToolGrammar(_LanguageToolRule):
    """A grammar error found by LanguageTool: agreement, wrong article, confused words.

    ## What it flags
    Every LanguageTool match that is neither spelling (LT002) nor style or
    typography (LT003): grammar, "a"/"an", confused words, doubled words. The
    message gives LanguageTool's rule id in brackets, the matched text, its
    explanation and up to three suggestions. Only prose goes to LanguageTool:
    never code blocks, inline code, URLs, HTML or front matter.

    Off by default, because it needs a LanguageTool server (Java 17+). Select the
    family with `--select LT` or `extend-select = ["LT"]`. textsieve uses, in this
    order: the server given by `--languagetool-url` or `url`; a local server it
    starts for the run (and stops) from a LanguageTool installation (see `home`);
    otherwise it warns and skips LT (exit 2 if LT was selected by code).
    Getting LanguageTool: `python -c "import language_tool_python as l;
    l.LanguageTool('en-US').close()"` downloads it into
    `~/.cache/language_tool_python` (needs internet once); or run any
    LanguageTool server and pass its URL; or assemble one from Maven Central
    with textsieve's `scripts/languagetool/setup.sh`.

    ## Why it matters
    Grammar slips survive proofreading because the eye reads what was meant;
    LanguageTool's hand-written rules catch them with few false alarms.

    ## Example
    `guide.md:3:1: LT001 [PLURAL_VERB_AFTER_THIS] 'This are': The verb 'are' is
    plural. ... (suggestion: 'These are')` for "This are the steps."

    ## Instead
    "These are the steps." `--fix --unsafe-fixes` applies LanguageTool's first
    suggestion (`--fix` alone never does: a suggestion can change the meaning).

    ## Options
    The family's options, in `[tool.textsieve.lt]`, listed below; turn a
    LanguageTool rule off with `disabled-rules = ["RULE_ID"]`. Answers are cached
    per paragraph, by its text, the server and the options that change
    LanguageTool's answer: an unchanged paragraph is never sent twice.
    """

    code = "LT001"
    name = "languagetool-grammar"


class LanguageToolSpelling(_LanguageToolRule):
    """A word LanguageTool's speller does not know (its TYPOS category).

    ## What it flags
    Words the dictionary of the configured `language` does not know, with
    LanguageTool's suggestions. Inline code, URLs and file names are never sent,
    and words in the project word list `words` are never reported.

    ## Why it matters
    A misspelling costs the reader's trust out of proportion to its size, and
    editors' spell-checkers miss the files nobody opens.

    ## Example
    `guide.md:1:11: LT002 [MORFOLOGIK_RULE_EN_US] 'tset': Possible spelling
    mistake found. (suggestions: 'test', 'set', 'reset')`

    ## Instead
    Correct the word; or, for a correct project term, add it to
    `words = ["textsieve"]` in `[tool.textsieve.lt]`.

    ## Options
    The family's options (see `textsieve explain LT001`); here `words`,
    `spelling = false` (turns the speller off) and `language` matter most.
    """

    code = "LT002"
    name = "languagetool-spelling"


class LanguageToolStyle(_LanguageToolRule):
    """A style or typography remark from LanguageTool: wordiness, casing, spacing.

    ## What it flags
    LanguageTool matches of the issue types style, register, typographical and
    whitespace: redundant phrases, a sentence that starts in lower case, a space
    before a comma. List items and table cells may start in lower case.
    `picky = true` adds LanguageTool's stricter rules.

    ## Why it matters
    Each is small; together they decide whether a text reads as edited.

    ## Example
    `guide.md:4:1: LT003 [UPPERCASE_SENTENCE_START] 'this': This sentence does
    not start with an uppercase letter. (suggestion: 'This')`

    ## Instead
    Follow the suggestion, or turn that LanguageTool rule off with
    `disabled-rules`.

    ## Options
    The family's options (see `textsieve explain LT001`); here `picky`,
    `disabled-rules` and `disabled-categories` matter most.
    """

    code = "LT003"
    name = "languagetool-style"
    severity = "info"


RULES = [LanguageToolGrammar, LanguageToolSpelling, LanguageToolStyle]


# -- the session: one server, one cache look-up per paragraph, for all three rules ----
@dataclass(frozen=True)
class RawMatch:
    """One LanguageTool match inside one paragraph, offsets in Python characters."""

    rule_id: str
    category: str
    issue_type: str
    message: str
    replacements: tuple[str, ...]
    start: int
    end: int


@dataclass
class Stats:
    paragraphs: int = 0  # distinct paragraphs looked up
    cache_hits: int = 0
    checked: int = 0  # paragraphs sent to the server
    requests: int = 0
    characters_sent: int = 0


_SESSIONS: dict[tuple, "Session"] = {}
_SESSIONS_LOCK = threading.Lock()


def _settings_key(rule: Rule) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                        for k, v in rule.settings.items()))


def _session_for(rule: Rule) -> "Session":
    key = (_settings_key(rule), id(rule.cache))
    with _SESSIONS_LOCK:
        session = _SESSIONS.get(key)
        if session is None:
            session = _SESSIONS[key] = Session(rule.settings, rule.cache)
        return session


def _close_session(rule: Rule) -> None:
    key = (_settings_key(rule), id(rule.cache))
    with _SESSIONS_LOCK:
        session = _SESSIONS.pop(key, None)
    if session is not None:
        session.close()


def last_stats() -> Stats | None:
    """Counters of the most recently closed session (for the benchmark and tests)."""
    return _LAST_STATS[0]


_LAST_STATS: list[Stats | None] = [None]


class Session:
    """Everything one run needs from LanguageTool, shared by LT001-LT003."""

    def __init__(self, settings: dict, cache):
        self.settings = settings
        self.cache = cache if cache is not None and getattr(cache, "enabled", False) else None
        self.stats = Stats()
        self.reported: set[str] = set()
        self.memory: dict[str, tuple[RawMatch, ...]] = {}
        self.failure = ""
        self.tool = None
        self.server_name = ""
        self._identity: str | None = None
        self._home: tuple[Path, str] | None = None
        self._started = False
        words = settings["words"]
        self._words = frozenset(words)
        self._lower_words = frozenset(w for w in words if w.islower())

    # -- public --------------------------------------------------------------------
    def known_word(self, word: str) -> bool:
        if word in self._words:
            return True
        lowered = word[:1].lower() + word[1:]
        return word[:1].isupper() and lowered in self._lower_words

    def report_failure(self, rule: Rule) -> bool:
        """Raise the failure once per run, from the first LT rule that meets it."""
        if self.reported:
            return False
        self.reported.add(rule.code)
        return True

    def check(self, paragraphs: list[Paragraph]) -> tuple[dict[str, tuple[RawMatch, ...]], str]:
        """LanguageTool's matches for each paragraph text, and a failure message or ''."""
        wanted: dict[str, None] = {}
        for p in paragraphs:
            if p.text not in self.memory:
                wanted.setdefault(p.text, None)
        if wanted and not self.failure:
            self._check_texts(list(wanted))
        return self.memory, self.failure

    def close(self) -> None:
        _LAST_STATS[0] = self.stats
        self._drop_tool()

    # -- cache ---------------------------------------------------------------------
    def _key(self, text: str) -> str:
        s = self.settings
        return cache_key("lt", FORMAT_VERSION, self._identity, s["language"],
                         sorted(s["enabled-rules"]), sorted(s["disabled-rules"]),
                         sorted(s["enabled-categories"]), sorted(s["disabled-categories"]),
                         s["spelling"], s["picky"], text)

    def _check_texts(self, texts: list[str]) -> None:
        try:
            self._identity = self._server_identity()
        except LanguageToolUnavailable as exc:
            self.failure = str(exc)
            return
        todo: list[str] = []
        for text in texts:
            self.stats.paragraphs += 1
            hit = self.cache.get("lt", self._key(text)) if self.cache else None
            if isinstance(hit, tuple):
                self.stats.cache_hits += 1
                self.memory[text] = hit
            else:
                todo.append(text)
        if not todo:
            return
        try:
            self._connect()
            for batch in _batches(todo, self.settings["request-size"]):
                results = self._send(batch)
                for text, matches in zip(batch, results):
                    self.memory[text] = matches
                    if self.cache:
                        self.cache.put("lt", self._key(text), matches)
        except LanguageToolUnavailable as exc:
            self.failure = str(exc)

    # -- where the server comes from ---------------------------------------------------
    def _server_identity(self) -> str:
        url = _normalise_url(self.settings["url"])
        if url:
            self.server_name = f"the LanguageTool server at {url}"
            return f"url:{url.rstrip('/')}"
        found = self._find_home()
        if found is None:
            raise LanguageToolUnavailable(_HOW_TO_GET)
        home, version = found
        self.server_name = f"the local LanguageTool {version} server (from {home})"
        return f"local:{version}"

    def _find_home(self) -> tuple[Path, str] | None:
        if self._home is None:
            candidates = [self.settings["home"]] if self.settings["home"] else [
                os.environ.get("LTP_PATH", ""), os.environ.get("TEXTSIEVE_LT_HOME", ""),
                str(Path.home() / ".cache" / "language_tool_python"), ".languagetool"]
            for candidate in filter(None, candidates):
                version = _installed_version(Path(candidate))
                if version:
                    self._home = (Path(candidate).resolve(), version)
                    break
        return self._home

    @contextmanager
    def _local_env(self):
        """language-tool-python's local mode reads its paths from the environment: set them
        only while it runs, and so that it never downloads (LTP_JAR_DIR_PATH)."""
        if _normalise_url(self.settings["url"]) or self._home is None:
            yield
            return
        home, version = self._home
        saved = {k: os.environ.get(k) for k in ("LTP_PATH", "LTP_JAR_DIR_PATH")}
        os.environ["LTP_PATH"] = str(home)
        os.environ["LTP_JAR_DIR_PATH"] = str(home / f"LanguageTool-{version}")
        try:
            yield
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def _connect(self) -> None:
        if self.tool is not None:
            return
        if self._started:
            raise LanguageToolUnavailable(f"{self.server_name} stopped earlier in this run")
        self._started = True
        timeout = self.settings["timeout"]
        url = _normalise_url(self.settings["url"])
        language = self.settings["language"]
        try:
            tool_class = _tool_class(timeout)
            if url:
                tool = tool_class(language, remote_server=url)
            else:
                if not shutil.which("java"):
                    raise LanguageToolUnavailable(
                        f"cannot start {self.server_name}: no 'java' on PATH (LanguageTool "
                        f"needs Java 17 or newer)")
                with self._local_env():
                    tool = tool_class(language, language_tool_download_version=self._home[1])
        except LanguageToolUnavailable:
            raise
        except Exception as exc:  # language-tool-python's and requests' errors, Java's start-up
            if _is_language_error(exc):
                raise LanguageToolUnavailable(
                    f"{self.server_name} does not know the language '{language}' "
                    f"(option 'language')") from None
            raise LanguageToolUnavailable(_describe(exc, self.server_name, timeout)) from None
        s = self.settings
        tool.enabled_rules = set(s["enabled-rules"])
        tool.disabled_rules = set(s["disabled-rules"])
        tool.enabled_categories = set(s["enabled-categories"])
        tool.disabled_categories = set(s["disabled-categories"])
        if not s["spelling"]:
            tool.disable_spellchecking()
        tool.picky = s["picky"]
        self.tool = tool

    def _send(self, batch: list[str]) -> list[tuple[RawMatch, ...]]:
        """Check the paragraphs of ``batch`` in one request; their matches, in order."""
        joined = _SEPARATOR.join(batch)
        starts, position = [], 0
        for text in batch:
            starts.append(position)
            position += len(text) + len(_SEPARATOR)
        self.stats.requests += 1
        self.stats.checked += len(batch)
        self.stats.characters_sent += len(joined)
        timeout = self.settings["timeout"]
        try:
            with self._local_env():
                matches = self.tool.check(joined)
            raw = [_raw_match(m, joined) for m in matches]
        except Exception as exc:
            self._drop_tool()
            raise LanguageToolUnavailable(_describe(exc, self.server_name, timeout)) from None
        results: list[list[RawMatch]] = [[] for _ in batch]
        for match in raw:
            k = bisect.bisect_right(starts, match.start) - 1
            if k < 0 or match.end > starts[k] + len(batch[k]):
                continue  # across a paragraph break: cannot be about one paragraph
            base = starts[k]
            if match.rule_id == "UPPERCASE_SENTENCE_START" and _ONE_TOKEN.fullmatch(batch[k]):
                continue  # LanguageTool leaves a text of one word alone: so do we in a batch
            results[k].append(RawMatch(match.rule_id, match.category, match.issue_type,
                                       match.message, match.replacements,
                                       match.start - base, match.end - base))
        return [tuple(r) for r in results]

    def _drop_tool(self) -> None:
        tool, self.tool = self.tool, None
        if tool is not None:
            try:
                with self._local_env():
                    tool.close()
            except Exception:
                pass


def _normalise_url(url: str) -> str:
    """The server's base URL: 'http://host:8081', whether given with '/v2' or without."""
    url = url.strip().rstrip("/")
    if url.endswith("/v2"):
        url = url[:-3]
    if url and "://" not in url:
        url = "http://" + url
    return url


_TOOL_CLASSES: dict[float, type] = {}


def _tool_class(timeout: float) -> type:
    """language-tool-python's ``LanguageTool`` with our timeout and a bounded start-up.

    language-tool-python 3.4 waits 300 s per request (``_TIMEOUT``) and, when a local
    server fails to start, tries the next port, up to 900 of them: a broken
    installation fails the same way on every port, so we stop after three.
    """
    cls = _TOOL_CLASSES.get(timeout)
    if cls is not None:
        return cls
    import language_tool_python
    from language_tool_python.exceptions import ServerError

    class TimedLanguageTool(language_tool_python.LanguageTool):
        _TIMEOUT = timeout

        def _start_server_on_free_port(self) -> None:
            for attempt in range(3):
                try:
                    self._start_local_server()
                    return
                except ServerError:
                    self._terminate_server()
                    if attempt == 2 or not self._available_ports:
                        raise
                    self._port = self._available_ports.pop()

        def _wait_for_server_ready(self, timeout: int = 15) -> None:
            # A cold JVM on a busy machine can need more than language-tool-python's 15 s.
            super()._wait_for_server_ready(timeout=max(timeout, 60))

    _TOOL_CLASSES[timeout] = TimedLanguageTool
    return TimedLanguageTool


def _is_language_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "unsupported language" in text or "language tag" in text \
        or "tag does not match pattern" in text


def _batches(texts: list[str], limit: int):
    """Paragraphs grouped into requests of at most ``limit`` characters (a longer paragraph
    goes alone), each paragraph whose brackets or quotes do not pair up alone as well."""
    batch: list[str] = []
    size = 0
    for text in texts:
        if not _balanced(text):
            yield [text]
            continue
        if batch and size + len(_SEPARATOR) + len(text) > limit:
            yield batch
            batch, size = [], 0
        size += (len(_SEPARATOR) if batch else 0) + len(text)
        batch.append(text)
    if batch:
        yield batch


def _balanced(text: str) -> bool:
    """Do the text's brackets and quotes pair up (so none can pair with a neighbour's)?"""
    for opening, closing in _PAIRS:
        if opening not in text and closing not in text:
            continue
        depth = 0
        for k, ch in enumerate(text):
            if ch == opening:
                depth += 1
            elif ch == closing:
                if closing == "\u2019" and 0 < k < len(text) - 1 and text[k - 1].isalnum() \
                        and text[k + 1].isalnum():
                    continue  # an apostrophe: don\u2019t
                depth -= 1
                if depth < 0:
                    return False
        if depth:
            return False
    if text.count('"') % 2:
        return False
    # A straight single quote that is not an apostrophe (letters on both sides).
    lone = sum(1 for k, ch in enumerate(text) if ch == "'" and not (
        0 < k < len(text) - 1 and text[k - 1].isalnum() and text[k + 1].isalnum()))
    return lone % 2 == 0


def _raw_match(match, text: str) -> RawMatch:
    """A language-tool-python Match with exact Python offsets.

    LanguageTool counts UTF-16 units. language-tool-python already turns the
    start into Python characters (it subtracts one per astral character before
    it) but leaves the length in UTF-16 units; the end is converted here.
    """
    start = int(match.offset)
    length = int(match.error_length)
    if start < 0 or length < 0 or start > len(text):
        raise ValueError(f"match outside the text (offset {start}, length {length})")
    end = start
    units = 0
    while units < length and end < len(text):
        units += 2 if ord(text[end]) > 0xFFFF else 1
        end += 1
    return RawMatch(str(match.rule_id), str(match.category), str(match.rule_issue_type),
                    str(match.message), tuple(str(r) for r in match.replacements), start, end)


def _installed_version(home: Path) -> str | None:
    """The newest LanguageTool-X.Y directory under ``home`` that has a server jar."""
    try:
        entries = list(home.glob("LanguageTool-*"))
    except OSError:
        return None
    best = None
    for entry in entries:
        m = re.fullmatch(r"LanguageTool-(\d+)\.(\d+)", entry.name)
        if not m or not any((entry / jar).is_file()
                            for jar in ("languagetool-server.jar", "languagetool.jar")):
            continue
        version = (int(m.group(1)), int(m.group(2)))
        if best is None or version > best:
            best = version
    return f"{best[0]}.{best[1]}" if best else None


_HOW_TO_GET = (
    "no LanguageTool server: none given (--languagetool-url, or 'url' in [tool.textsieve.lt]) "
    "and no LanguageTool installation found for a local one (looked in $LTP_PATH, "
    "$TEXTSIEVE_LT_HOME, ~/.cache/language_tool_python, ./.languagetool); "
    "'textsieve explain LT001' says how to get one")


def _describe(exc: BaseException, server: str, timeout: float) -> str:
    """One line saying what went wrong with the server, without a traceback."""
    chain = []
    seen = exc
    while seen is not None and len(chain) < 8:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    names = {type(e).__name__ for e in chain}
    if names & {"ReadTimeout", "ConnectTimeout", "Timeout", "TimeoutError", "timeout"}:
        return f"{server} did not answer within {timeout:g} s (option 'timeout')"
    if names & {"RemoteDisconnected", "ChunkedEncodingError", "ProtocolError",
                "ConnectionResetError", "IncompleteRead"}:
        return f"{server} closed the connection without an answer (did it stop?)"
    if "ConnectionError" in names or "ConnectionRefusedError" in names:
        return f"{server} is not reachable (connection refused or no such host)"
    if names & {"RateLimitError"}:
        return f"{server} refused the request: rate limit exceeded"
    if names & {"ServerError", "JavaError", "PathError"}:
        return f"could not start {server}: {_first_line(exc)}"
    detail = _first_line(exc)
    if detail.startswith("Error:"):  # LanguageTool's own error text, e.g. a text too long
        return f"{server} answered with an error: {detail[6:].strip()}"
    if names & {"JSONDecodeError", "KeyError", "TypeError", "AttributeError", "ValueError",
                "IndexError", "LanguageToolError"}:
        return (f"{server} answered with something that is not a LanguageTool result"
                + (f" ({type(exc).__name__}: {detail})" if detail else ""))
    return f"{server} failed: {type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] + ("..." if len(text) > 200 else "")
