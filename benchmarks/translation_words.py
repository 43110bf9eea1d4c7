"""How many words a translation takes for an English word: the calibration of READ102's
limit per language (rules/readability.py, WORDS_PER_ENGLISH_WORD).

    python benchmarks/translation_words.py EN_DIR I18N_DIR [--min-words 200]

EN_DIR holds a site's English pages; I18N_DIR one folder per language holding the
same pages by the same relative paths (Astro's docs: src/content/docs/en and
src/content/docs/{de,hi,...}). Pages are paired by path; for each language it
prints the pages paired (each with at least --min-words words in English), the
median ratio of the translation's words to the English page's (prose words as the
READ rules count them), and the share of sentences over 40 words in the
translations and in their English pages. A page is paired only when its prose is
in the folder's language (pages left in English are not translations).
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from textsieve.document import Document
from textsieve.rules.readability import prose, prose_language
from textsieve.source import decode, format_for


def words_and_sentences(path: Path) -> tuple[int, list[int], str | None]:
    """Prose words, each sentence's words, and the language of the page."""
    text, info = decode(path.read_bytes())
    document = Document(str(path), text, format_for(str(path)), info)
    sentences = [s.words for block in prose(document) for s in block.sentences if not s.listing]
    return sum(sentences), sentences, prose_language(document)


def pages(root: Path) -> dict[Path, Path]:
    return {p.relative_to(root): p for p in sorted(root.rglob("*")) if p.is_file() and format_for(str(p))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("en_dir", type=Path)
    parser.add_argument("i18n_dir", type=Path)
    parser.add_argument("--min-words", type=int, default=200)
    args = parser.parse_args()
    english = {rel: words_and_sentences(p) for rel, p in pages(args.en_dir).items()}
    over = lambda counts: sum(c > 40 for c in counts) / max(1, len(counts))
    for folder in sorted(d for d in args.i18n_dir.iterdir() if d.is_dir()):
        ratios, translated, source = [], [], []
        for rel, path in pages(folder).items():
            if rel not in english or english[rel][0] < args.min_words:
                continue
            words, sentences, language = words_and_sentences(path)
            if words and language == folder.name.split("-")[0]:  # translated, not left in English
                ratios.append(words / english[rel][0])
                translated += sentences
                source += english[rel][1]
        if ratios:
            print(f"{folder.name}: {len(ratios)} pages, median {statistics.median(ratios):.2f} words "
                  f"per English word; sentences over 40 words: {100 * over(translated):.2f} % "
                  f"(English pages {100 * over(source):.2f} %)")


if __name__ == "__main__":
    main()
