"""DUP: near-duplicate and exact duplicate passages, templated titles and
boilerplate, across the corpus and inside one document.

The passage rules (DUP101, DUP102, DUP104) share one ``collect`` (normalised
sentences, shingles, MinHash band keys: ``duplicates_sketch``) and one corpus
analysis (exact groups, LSH candidates, exact verification, clusters:
``duplicates_match``). Each rule reports only its own code out of that shared
analysis, which is computed once per run: a place is reported once, by the
most specific rule (a passage in five documents is DUP104 there, not DUP101
as well). DUP103 reads only the titles, with plain Python (``duplicates_text``,
which also holds what the passage rules share with it: opaque tokens,
navigation, the languages and versions of a corpus), so that a run of the
default rules never imports numpy.

The signatures are datasketch's MinHash values (scheme ``affine32``), bit for
bit, computed for all shingles at once (compiled where ``textsieve._speedups``
is built, with numpy otherwise); datasketch itself (and the scipy it imports)
is only the tests' and benchmarks' reference, never loaded by a check.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from textsieve.cache import cache_key
from textsieve.rule import Option, Rule

_SHINGLES = ("word-1", "word-2", "word-3", "word-4", "word-5",
             "char-3", "char-4", "char-5", "char-6", "char-7", "char-8")

OPTIONS = {
    "threshold": Option(
        0.6, "Lowest Jaccard similarity of two passages' shingle sets reported as near-duplicate.",
        minimum=0.3, maximum=1.0),
    "min-words": Option(
        8, "Fewest words in a passage (sentence window, paragraph, list item...) that is compared.",
        minimum=2),
    "shingles": Option(
        "word-2", "Shingles compared: word-N (N-word sequences) or char-N (N-character sequences), "
        "taken inside sentences.", choices=_SHINGLES),
    "num-perm": Option(160, "MinHash permutations for the LSH bands (more: fewer chance candidates, slower).",
                       minimum=16, maximum=1024),
    "scope": Option("both", "Which pairs count: across files, within one file, or both.",
                    choices=("both", "cross-file", "within-file")),
    "allow": Option([], "Regular expressions (case-insensitive) for intended boilerplate: a passage "
                        "matching one, as written or normalised, is never compared.",
                    kind="list[str]"),
    "max-related": Option(5, "How many twins a finding lists as related locations.", minimum=1),
    "boilerplate-min-documents": Option(
        5, "A passage repeated in at least this many documents is one DUP104 boilerplate cluster.",
        minimum=2),
    "frames": Option(
        False, "Also report parallel phrasing and stock lines: passages that differ only in the "
               "names, code or numbers of one sentence frame, or in a word or phrase of a short "
               "passage, near-duplicates under 14 words and duplicates under 12."),
    "untranslated": Option(
        False, "Report (as DUP102) passages of a translation left word for word as in its "
               "source document (same path under the source language's folder)."),
    "table-cells": Option(
        False, "Compare table cells too (cells of one table are never compared with each other)."),
    "title-levels": Option(1, "Headings of this level or above are titles for DUP103 (0: none).",
                           minimum=0, maximum=6),
    "title-min-shared-words": Option(
        4, "Two titles are near-identical when they share a run of this many words that is at "
           "least half of each.", minimum=2),
}

_OPTIONS_DOC = """Shared by DUP101, DUP102 and DUP104, in `[tool.textsieve.dup]` (listed below).
`threshold` is the Jaccard index of the two passages' sets of word pairs (`shingles =
"word-2"`), verified exactly for every reported pair: three words substituted in a
25-word sentence score 0.60 or more, sentences reordered 1.0. Lower it (0.5) to catch
heavier edits, at the cost of more candidates to verify and more memory; raise it
for closer copies only. `char-5` shingles also forgive spelling changes, at several
times the hashing cost. The LSH banding follows from `threshold` and `num-perm`, so that a pair exactly
at the threshold is proposed with probability at least 0.995. `scope` limits the
pairs to other files or to the same file; `allow` takes regular expressions for
intended boilerplate. `textsieve check --corpus DIR FILE…` compares the named files
against the whole corpus and reports on the named files only.

What is compared: prose, with each inline code span, URL or template expression as one
word of its own (so "available as ``self.env``" and "available as ``self.config``"
differ); not link targets, table cells (`table-cells = true` compares them, but never
cells of one table with each other), lists of links (a table of contents, a SUMMARY.md,
an index of "[page](page.md) - description" entries) or a short sentence ending in a
colon that leads in to a listing ("When we compile this code, we get this error:").
The languages and versions of one set of documents (folders such as content/en and
content/ja, or docs/v3.4 and docs/v3.5, or `lang` in front matter) are compared each
within itself: a translation repeats its source by design. `untranslated = true`
reports a translation's passages left word for word as in its source (DUP102,
"untranslated copy of …"). Posts (dated announcements: `_posts/`, `blog/`, `news/`,
files named `2024-05-01-…`) are written once and never kept in sync, so text that two
posts share is not reported by DUP101 or DUP102; in five documents it is boilerplate.
Nor is text shared by versions of one guide side by side (`upgrade_3_4.md`,
`upgrade_3_5.md`: names that differ only in their numbers). Release notes and changelogs
(`changes/`, `release/`, `CHANGELOG.md`, `1.21.0-notes.rst`) are records, each compared
with itself only. Parallel phrasing is not a near-duplicate unless `frames =
true`: passages under 14 words, one sentence frame with other names, code or numbers in
it ("Next, we'll extract the `hosting` module…" / "First, we'll extract the `x`
module…"), or up to 25 words (40 for one sentence) with one word or phrase changed.
A duplicate needs 12 words (a line such as "This is very useful for printed copies of the
manual." is a stock phrase) unless `frames = true`; boilerplate needs 12 words always."""


@dataclass(frozen=True)
class TitleSketch:
    titles: list
    line_starts: object
    lang: str = ""  # the language the document's front matter declares


class _DupRule(Rule):
    options = OPTIONS

    # -- parameters --------------------------------------------------------------
    @cached_property
    def sketch_params(self):
        """What sketching depends on, made from the settings (which a run never changes)."""
        from textsieve.rules.duplicates_text import SketchParams, choose_bands, parse_shingles

        kind, size = parse_shingles(self.settings["shingles"])
        bands, rows = choose_bands(self.settings["threshold"], self.settings["num-perm"])
        return SketchParams(kind, size, self.settings["num-perm"], bands, rows,
                            self.settings["min-words"], tuple(self.settings["allow"]),
                            self.settings["title-levels"], self.settings["table-cells"])

    def _sketch_key(self, document) -> str:
        """What a document's passage sketch depends on: its text, format and the settings.
        (Each rule of the family asks for it; the text is hashed once per document.)"""
        params = self.sketch_params.key()
        return document.shared(("DUP", "sketch key", params),
                               lambda: cache_key("DUP-sketch", document.format, params, document.text))

    def _match_params(self):
        from textsieve.rules.duplicates_text import MatchParams, parse_shingles

        kind, size = parse_shingles(self.settings["shingles"])
        return MatchParams(self.settings["threshold"], kind, size, self.settings["scope"],
                           self.settings["max-related"], self.settings["boilerplate-min-documents"],
                           self.settings["title-min-shared-words"], self.settings["untranslated"],
                           self.settings["frames"])


class _PassageRule(_DupRule):
    """Shared by DUP101, DUP102 and DUP104: one sketch per document, one analysis per run."""

    shared_documentation = _OPTIONS_DOC

    def collect(self, document):
        return self.collect_many([document])[0]

    def collect_many(self, documents):
        """Sketches of a worker's batch of documents: those the family's first rule made,
        from the cache, or made together."""
        from textsieve.rules.duplicates_sketch import sketch_documents

        keys = [self._sketch_key(document) for document in documents]
        known = [document.shared(("DUP", "sketch", key)) for document, key in zip(documents, keys)]
        if all(sketch is not None for sketch in known):
            return known
        cache = self.cache if getattr(self.cache, "enabled", False) else None
        found = [cache.get("dup", key) if cache is not None else None for key in keys]
        missing = [i for i, sketch in enumerate(found) if sketch is None]
        if missing:
            made = sketch_documents([documents[i] for i in missing], self.sketch_params)
            for i, sketch in zip(missing, made):
                sketch.key = keys[i]
                found[i] = sketch
                if cache is not None:
                    cache.put("dup", keys[i], sketch)
        for document, key, sketch in zip(documents, keys, found):  # the family's next rules ask
            document.shared(("DUP", "sketch", key), lambda sketch=sketch: sketch)
        return found

    def check_corpus(self, collected):
        from textsieve.rules.duplicates_match import analyse_passages

        params = self.sketch_params
        match = self._match_params()
        fingerprint = (match, params.bands,
                       tuple(sorted((p, getattr(d, "key", id(d))) for p, d in collected)))
        if _MEMO_ANALYSIS.get("fingerprint") != fingerprint:
            _MEMO_ANALYSIS.clear()
            _MEMO_ANALYSIS["analysis"] = analyse_passages(collected, match, params.bands,
                                                          threads=self.jobs)
            _MEMO_ANALYSIS["fingerprint"] = fingerprint
        analysis = _MEMO_ANALYSIS["analysis"]
        for item in analysis.reported.get(self.code, ()):
            yield self.finding_at(item.span, item.message, text=item.text, related=item.related)

    def close(self):
        _MEMO_ANALYSIS.clear()


_MEMO_ANALYSIS: dict = {}


class NearDuplicatePassage(_PassageRule):
    """A passage that nearly repeats another passage of the corpus or of the same document.

    ## What it flags
    A paragraph, list item, block quote, heading or window of one to three
    sentences inside one of them, of at least `min-words` words, whose
    shingle set is at least `threshold` similar (Jaccard index, verified
    exactly) to a passage elsewhere: copy-paste with a few words substituted,
    inserted or deleted, sentences reordered or split, formatting changed. A
    sentence copied into an otherwise different paragraph is flagged on that
    sentence alone. Overlapping matches merge into one finding per place; the
    message names the earliest twin (by path, then position) with its
    similarity and how many more places repeat it, and the related locations
    list the twins.

    Off by default, as DUP102 is: turn both on with `--extend-select
    DUP101,DUP102` (or `extend-select` in the configuration) for a corpus
    whose copies are mistakes, such as a text dataset or a set of essays.
    Documentation repeats itself by design (sibling reference entries, a
    stock lead-in, a warning at each point of use, pages built from one
    outline): read at random on nine public documentation sites, most
    passages these rules found there were written that way on purpose.

    ## Why it matters
    Copies drift: one gets corrected and the others keep the old error, and
    readers meet the same text twice. Search engines and readers both treat
    near-identical pages as one.

    ## Example
    `docs/b.md:12:1: DUP101 near-duplicate (0.78) of docs/a.md:4:1: "Military cooperation
    entails the collaborative…"; keep one copy and link to it, or rewrite this one`

    ## Instead
    Keep the passage in one place and link to it from the others, or rewrite
    each copy to say what is specific to its page.

    ## Options
    """

    code = "DUP101"
    name = "near-duplicate-passage"
    severity = "warning"
    default_enabled = False


class ExactDuplicatePassage(_PassageRule):
    """A passage repeated word for word (ignoring case, punctuation and markup) elsewhere.

    ## What it flags
    A passage (as DUP101 defines it, at least `min-words` words) whose
    normalised text — case folded, punctuation, Markdown syntax and extra
    white space removed — is identical to a passage elsewhere in the corpus or
    earlier or later in the same document. Each copy gets one finding, naming
    the earliest other copy and how many more there are. Off by default, as
    DUP101 is (see there).

    ## Why it matters
    Identical copies are the easiest duplication to remove and the most
    certain to drift apart when only one of them is edited.

    ## Example
    `docs/b.md:3:1: DUP102 exact duplicate of docs/a.md:7:1 and 1 more: "The cache is stored
    in the users…"; keep one copy and link to it, or rewrite this one`

    ## Instead
    Keep the text in one place and link to it, or include it from one source
    file if your site generator can.

    ## Options
    """

    code = "DUP102"
    name = "exact-duplicate-passage"
    severity = "warning"
    default_enabled = False


class NearIdenticalTitle(_DupRule):
    """Document titles that are the same, or follow one template, across documents.

    ## What it flags
    Two documents whose titles (headings of level `title-levels` or above; in
    reStructuredText the first section title, when no other section is adorned
    like it: a section among others, as a PEP's, is no title) are identical (at least two
    words), or share a run of at least `title-min-shared-words` consecutive
    words that is at least half of each title, after folding case and
    punctuation, as in "Military Cooperation: A Pillar of Islamic Nation's
    Defense Diplomacy" and "Strategic Alliances: Fundamental Pillar of Islamic
    Nation's Defense Diplomacy". Every title of such a group gets one finding.

    Titles are compared as written, "+" and "#" included ("The C Domain", "The C++ Domain"
    and "The C# Domain" are three titles), with the text of their inline code; the
    message says "identical title" when the words are the same and "near-identical" when
    not. Titles of a document that is mostly links (a SUMMARY.md) are not titles, and the
    languages and versions of one set of documents are compared each within itself.

    ## Why it matters
    Titles name pages in navigation, search results, tabs and links; pages
    whose titles differ only in a word or two are hard to tell apart, and a
    template repeated across a set of pages reads as generated.

    ## Example
    `b.md:1:3: DUP103 near-identical title: "Strategic Alliances: Fundamental Pillar of Islamic
    Nation's Defense Diplomacy" shares "Pillar of Islamic Nation's Defense Diplomacy" (6 of 9
    words) with the title of a.md:1:3; give each document a title that says what is specific to
    it`

    ## Instead
    Give each document a title that names its own subject, e.g. "Military
    Cooperation in Defense Diplomacy" and "Strategic Alliances", and leave the
    shared framing to the section or site title.

    ## Options
    `title-levels` (1): headings of this level or above are titles (0 turns the rule off).
    `title-min-shared-words` (4): the shortest shared run of words that makes titles
    near-identical. `max-related` (5): titles listed as related locations.
    """

    code = "DUP103"
    name = "near-identical-title"
    severity = "warning"

    def collect(self, document):
        from textsieve.rules.duplicates_text import declared_language, sketch_titles

        # When the passage rules run too, their sketch of this document has the titles.
        sketch = document.shared(("DUP", "sketch", self._sketch_key(document)))
        if sketch is not None:
            return TitleSketch(sketch.titles, sketch.line_starts if sketch.titles else None,
                               sketch.lang)
        titles, _ = sketch_titles(document, self.settings["title-levels"])
        return TitleSketch(titles, document.line_starts if titles else None,
                           declared_language(document.text))

    def check_corpus(self, collected):
        from textsieve.rules.duplicates_text import analyse_titles

        for item in analyse_titles(collected, self._match_params()):
            yield self.finding_at(item.span, item.message, text=item.text, related=item.related)


class BoilerplatePassage(_PassageRule):
    """A passage repeated (exactly or nearly) in many documents: boilerplate.

    ## What it flags
    A passage that recurs, exactly or as near-duplicates of each other, in at
    least `boilerplate-min-documents` documents. The whole group is one
    cluster: each place gets one finding naming the first occurrence and the
    number of documents and places, instead of a near-duplicate finding for
    every pair. Passages matching an `allow` pattern are never compared.

    Off by default (`--extend-select DUP104`): on documentation sites most
    passages found in five pages are written that way on purpose (a stock
    lead-in, a per-page audience banner, one step of pages built from one
    outline), which a reader of one page needs there.

    ## Why it matters
    Boilerplate pasted into every page must be edited in every page; a stale
    copy somewhere is almost certain. Intended boilerplate (a licence footer,
    a standard disclaimer) belongs in a template or in the `allow` list.

    ## Example
    `docs/page7.md:40:1: DUP104 boilerplate repeated in 12 documents (12 places, first at
    docs/page1.md:38:1): "This page is part of the project handbook…"; keep it in one place
    and link to it, or list it in the DUP 'allow' option if intended`

    ## Instead
    Move the passage into a shared template or include, or list it in
    `allow = ["part of the project handbook"]` under `[tool.textsieve.dup]`.

    ## Options
    """

    code = "DUP104"
    name = "boilerplate-passage"
    severity = "info"
    default_enabled = False


RULES = [NearDuplicatePassage, ExactDuplicatePassage, NearIdenticalTitle, BoilerplatePassage]
