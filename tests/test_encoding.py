"""The ENC family: mojibake, lost characters, control and invisible characters,
stray BOMs, bidirectional controls, HTML entities and files that are not UTF-8."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from textsieve.cache import Cache
from textsieve.document import Document, SourceInfo
from textsieve.rules import encoding
from textsieve.rules.encoding import not_utf8
from textsieve.rules.encoding import (BidiControl, ControlCharacter, HtmlEntity, InvisibleCharacter,
                                      Mojibake, NotUtf8, ReplacementCharacter, StrayBom)
from textsieve.testing import make_document, run_rule

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "enc"


def enc(text: str, path: str = "doc.md", **settings):
    """Findings of every ENC rule, sorted."""
    found = []
    for rule in encoding.RULES:
        found.extend(run_rule(rule, text, path, **settings))
    return sorted(found, key=lambda f: (f.span.start, f.code))


def where(finding):
    s = finding.span
    return (s.line, s.column, s.end_line, s.end_column)


def apply(text: str, findings, unsafe: bool = True) -> str:
    for f in sorted(findings, key=lambda f: -f.span.start):
        if f.fix is not None and (unsafe or f.fix.safe):
            text = text[:f.span.start] + f.fix.replacement + text[f.span.end:]
    return text


# -- ENC101 mojibake ---------------------------------------------------------------
ESSAY = ("Harbour Cooperation\n\n"
         "The ports of the region share cranes, pilots and weather data.\n\n"
         "In the end, the harbourâ€™s future depends on the trust between its partners.\n")


def test_mojibake_exact_position_and_fix():
    findings = run_rule(Mojibake, ESSAY, "essay.txt")
    assert len(findings) == 1
    f = findings[0]
    assert where(f) == (5, 17, 5, 28)
    assert f.text == "harbourâ€™s"
    assert f.fix.replacement == "harbour’s" and f.fix.safe
    assert "UTF-8 bytes read as Windows-1252" in f.message
    assert "'harbourâ€™s'" in f.message and "write 'harbour’s'" in f.message


@pytest.mark.parametrize("text", [
    "Curly “quotes”, an apostrophe’s place, an en dash – and an em dash — in prose.\n",
    "Déjà vu: the naïve café serves crème brûlée, jalapeño and smørrebrød.\n",
    "Zürich, Kraków, İstanbul, Ærøskøbing and Þingvellir are places.\n",
    "Настройки хранятся в файле. 設定はファイルに保存されます。설정은 파일에 저장됩니다。\n",
    "النص العربي يُكتب من اليمين إلى اليسار. טקסט בעברית. متن فارسی‌ با نیم‌فاصله.\n",
    "हिन्दी में लिखा पाठ। বাংলা লেখা। 👩‍👩‍👧 and 🇯🇵 are emoji sequences.\n",
    "Prices: 5 €, 3 £, 100 ¥; 20 °C; ½ cup; © 2024; x² + y² = z².\n",
])
def test_clean_text_in_many_scripts_gives_no_finding(text):
    assert enc(text, "essay.txt") == []


def test_mojibake_after_multibyte_characters_counts_characters():
    # "Zoë’s café" holds three non-ASCII characters before the damage.
    findings = run_rule(Mojibake, "Zoë’s café: the menuâ€™s prices\n")
    assert [where(f) for f in findings] == [(1, 17, 1, 25)]
    assert findings[0].text == "menuâ€™s"


@pytest.mark.parametrize("text, line, column, end, replacement", [
    ("- first item\n- the AcadÃ©mie rules\n", 2, 7, 16, "Académie"),
    ("> quoted: naÃ¯ve\n", 1, 11, 17, "naïve"),
    ("| a | b |\n|---|---|\n| x | KÃ¶nig |\n", 3, 7, 13, "König"),
    ("# MÃ¼nchen\n", 1, 3, 11, "München"),
])
def test_mojibake_in_containers(text, line, column, end, replacement):
    findings = run_rule(Mojibake, text)
    assert len(findings) == 1
    assert where(findings[0]) == (line, column, line, end)
    assert findings[0].fix.replacement == replacement


@pytest.mark.parametrize("damaged, repaired, named", [
    ("elected at the AcadÃ©mie FranÃ§aise", "elected at the Académie Française", "Windows-1252"),
    ("Ã¢â‚¬â„¢", "’", "double-encoded"),
    ("K√∂nig", "König", "MacRoman"),
    ("РџСЂРёРІРµС‚", "Привет", "Windows-1251"),
    ("Ð¿Ñ€Ð¸Ð²ÐµÑ‚ Ð¼Ð¸Ñ€", "привет мир", "Windows-1252"),
    ("ðŸš€ launch", "🚀 launch", "Windows-1252"),
    ("VÃ\x89ASE", "VÉASE", "Latin-1"),
    ("zostanÄ…", "zostaną", "Windows-1252"),  # ftfy is silent here; the fallback is not
    ("kt├│re", "które", "code page 437"),
])
def test_mojibake_kinds(damaged, repaired, named):
    text = f"Text: {damaged}.\n"
    findings = run_rule(Mojibake, text)
    assert findings, damaged
    assert apply(text, findings) == f"Text: {repaired}.\n"
    assert named in findings[0].message


def test_double_encoded_and_plain_fixes_are_safe_others_unsafe():
    safe = run_rule(Mojibake, "It wasnÃ¢â‚¬â„¢t the centuryâ€™s end.\n")
    assert [f.fix.safe for f in safe] == [True, True]
    unsafe = run_rule(Mojibake, "K√∂nig and zostanÄ… and voilÃ le travail\n")
    assert [f.fix.safe for f in unsafe] == [False, False, False]
    assert [f.fix.replacement for f in unsafe] == ["König", "zostaną", "voilà"]


def test_lost_closing_quote_is_guessed_but_unsafe():
    findings = run_rule(Mojibake, "He said â€œstopâ€\ufffd and left.\n")
    assert [where(f) for f in findings] == [(1, 9, 1, 19)]
    assert apply("He said â€œstopâ€\ufffd and left.\n", findings) == "He said “stop” and left.\n"
    assert not findings[0].fix.safe
    assert "a byte was lost; '”' is the likely original" in findings[0].message


def test_mojibake_of_a_byte_order_mark_is_deleted():
    findings = run_rule(Mojibake, "ï»¿Hello world\n")
    assert where(findings[0]) == (1, 1, 1, 9)
    assert findings[0].fix.replacement == "Hello"


def test_whole_damaged_sentence_is_one_finding():
    text = "Ð¿Ñ€Ð¸Ð²ÐµÑ‚, Ð¼Ð¸Ñ€!\n"
    findings = run_rule(Mojibake, text)
    assert len(findings) == 1
    assert apply(text, findings) == "привет, мир!\n"


def test_mojibake_at_paragraph_end_with_no_break_space():
    # U+00A0 ends the paragraph: the segment is trimmed of it, the finding is not.
    text = "Fornendo i percorsi verrÃ\u00a0\n"
    findings = run_rule(Mojibake, text, "doc.txt")
    assert where(findings[0]) == (1, 21, 1, 27)
    assert apply(text, findings) == "Fornendo i percorsi verrà\n"


LEGITIMATE = [
    "SÃO PAULO É A MAIOR CIDADE DO BRASIL.",
    "ROMÂNIA ȘI REPUBLICA MOLDOVA.",
    "NESTLÉ® and CAFÉ NOIR™ are trade marks.",
    "Runs of currency signs: £€¥, then ¢ and $.",
    "Příliš žluťoučký kůň úpěl ďábelské ódy.",
    "Zażółć gęślą jaźń; Pchnąć w tę łódź jeża.",
    "Pijamalı hasta yağız şoföre çabucak güvendi; İstanbul, IĞDIR.",
    "Tiếng Việt có dấu: Đây là một câu thử nghiệm.",
    "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
    "Съешь же ещё этих мягких французских булок.",
    "Після змін: ВІДОМО, Київ, їжак, МіБ і КіБ.",
    "Æsir, Ørsted, Þórður; « guillemets » ; 3 ½ tasses ; 12 €.",
    "Irish: i nÉirinn agus na hÉireann.",
    "Catalan l·lusió; German „Anführungszeichen“; Straße, ẞ.",
]


@pytest.mark.parametrize("text", LEGITIMATE)
def test_legitimate_text_is_not_flagged(text):
    for path in ("doc.md", "doc.txt"):
        assert enc(text + "\n", path) == [], text


def test_tricky_clean_data_file_is_clean():
    for line in open(DATA / "tricky_clean.jsonl", encoding="utf-8"):
        text = json.loads(line)["text"]
        assert enc(text + "\n", "doc.txt") == [], text


def test_real_bug_report_strings_are_found_and_repaired():
    for line in open(DATA / "real_mojibake.jsonl", encoding="utf-8"):
        item = json.loads(line)
        findings = run_rule(Mojibake, item["damaged"] + "\n", "doc.txt")
        assert findings, item["source"]
        assert apply(item["damaged"] + "\n", findings) == item["expected"] + "\n", item["source"]


def test_never_inside_code():
    text = ("Use `centuryâ€™s` as a literal.\n\n"
            "```\nAcadÃ©mie \u200b \u202e \x07 caf\ufffd\n```\n\n"
            "    indented AcadÃ©mie code\n\n"
            "<p>AcadÃ©mie</p>\n\n"
            "See https://example.com/AcadÃ©mie for more.\n")
    assert enc(text) == []


# -- fixing: a fix then a check reports nothing; fixing twice changes nothing -------
FIXABLE = ("Intro: the centuryâ€™s end, AcadÃ©mie and Ã¢â‚¬â„¢.\n\n"
           "- pass\u200bword and wo\u00adrd\n"
           "> Press\x07 here; \x1b[31mred\x1b[0m text\n\n"
           "Second part.\ufeff Next, K√∂nig; zostanÄ….\n")


FIXED = ("Intro: the century’s end, Académie and ’.\n\n"
         "- password and word\n"
         "> Press here; red text\n\n"
         "Second part. Next, König; zostaną.\n")
FIXABLE_TXT = "It&#8217;s AT&amp;T, caf&eacute; &amp; \x93quoted\x94 text, wo\u200brd.\n"
FIXED_TXT = "It’s AT&T, café & “quoted” text, word.\n"


@pytest.mark.parametrize("text, path, expected", [(FIXABLE, "doc.md", FIXED),
                                                  (FIXABLE_TXT, "doc.txt", FIXED_TXT)])
@pytest.mark.parametrize("unsafe", [False, True])
def test_fix_then_check_and_fix_twice(text, path, expected, unsafe):
    first = enc(text, path)
    fixed = apply(text, first, unsafe)
    fixed_codes = {f.code for f in first if f.fix is not None and (unsafe or f.fix.safe)}
    again = enc(fixed, path)
    # Nothing left for the codes whose fixes were applied, but the fixes not applied.
    leftover = [f for f in again if f.code in fixed_codes and (unsafe or f.fix is None or f.fix.safe)]
    assert leftover == []
    assert apply(fixed, again, unsafe) == fixed
    if unsafe:
        assert fixed == expected
    else:
        assert fixed != text and fixed != expected  # some fixes are safe, some are not


# -- ENC102 replacement character ---------------------------------------------------
def test_replacement_character():
    findings = run_rule(ReplacementCharacter, "Le caf\ufffd est pr\ufffd\ufffdt.\n")
    assert [where(f) for f in findings] == [(1, 7, 1, 8), (1, 15, 1, 17)]
    assert all(f.fix is None for f in findings)
    assert "'caf\ufffd'" in findings[0].message and "2 U+FFFD" in findings[1].message
    assert run_rule(ReplacementCharacter, "Le café est prêt.\n") == []


def test_replacement_character_shown_by_a_text_about_it_is_fine():
    text = "Invalid bytes become the replacement character `U+FFFD` \ufffd in the output.\n"
    assert run_rule(ReplacementCharacter, text, "doc.txt") == []
    # Inside a word it is damage, whatever the line says.
    assert len(run_rule(ReplacementCharacter, "U+FFFD stands in caf\ufffd here.\n")) == 1


def test_replacement_character_inside_mojibake_is_reported_once():
    found = enc("He said â€œstopâ€\ufffd now.\n")
    assert [f.code for f in found] == ["ENC101"]


# -- ENC103 HTML entities -------------------------------------------------------------
def test_entities_in_plain_text():
    text = "It&#8217;s AT&amp;T&#x2019;s caf&eacute; &amp; more &nbsp;here &bogus;\n"
    findings = run_rule(HtmlEntity, text, "doc.txt")
    assert [where(f) for f in findings] == [
        (1, 3, 1, 10), (1, 14, 1, 19), (1, 20, 1, 28), (1, 33, 1, 41), (1, 42, 1, 47),
        (1, 53, 1, 59)]
    assert [f.fix.replacement for f in findings] == ["’", "&", "’", "é", "&", "\u00a0"]
    # "&" between letters is surely damage; standing alone it may be meant.
    assert [f.fix.safe for f in findings] == [True, True, True, True, False, True]
    assert "write 'U+00A0 NO-BREAK SPACE'" in findings[5].message
    assert apply(text, findings) == "It’s AT&T’s café & more \u00a0here &bogus;\n"


def test_entities_in_html_kept_in_a_text_file_are_html():
    text = "<p>Python</p>\n&raquo; <a href=\"x\">PEP Index</a>\n&raquo; PEP &ndash; title\n"
    assert run_rule(HtmlEntity, text, "template.txt") == []


def test_entities_escaped_more_than_once_in_plain_text():
    findings = run_rule(HtmlEntity, "Tom &amp;amp; Jerry &amp;#8217;\n", "doc.txt")
    assert [f.fix.replacement for f in findings] == ["&", "’"]
    assert "escaped more than once" in findings[0].message


def test_entities_in_markdown_only_when_double_escaped():
    text = "Caf&eacute; &amp; AT&amp;amp;T, it&amp;#8217;s `&amp;amp;` fine.\n"
    findings = run_rule(HtmlEntity, text, "doc.md")
    assert [(where(f), f.fix.replacement, f.fix.safe) for f in findings] == [
        ((1, 21, 1, 30), "&amp;", False), ((1, 35, 1, 46), "’", False)]
    assert "Markdown shows it as '&amp;'" in findings[0].message


def test_entities_in_rst_and_not_in_literals():
    text = "Title\n=====\n\nA caf&eacute; and ``&amp;`` literal.\n"
    findings = run_rule(HtmlEntity, text, "doc.rst")
    assert [where(f) for f in findings] == [(4, 6, 4, 14)]


@pytest.mark.parametrize("text", [
    "Starte den Entwicklungs\u00adserver neu.\n",  # a hyphenation point in a German compound
    "Se eksempel\u00adprogrammet.\n",
])
def test_a_soft_hyphen_where_a_compound_may_break_is_not_reported(text):
    assert run_rule(InvisibleCharacter, text) == []


@pytest.mark.parametrize("text, count", [
    ("If pkg\u00adng is not installed, install it.\n", 1),  # a short word cut
    ("The Categori\u00ada page.\n", 1),  # one letter after it
    ("Saint-Barthélemy is Сент\u00adБартелеми.\n", 1),  # a name with a hyphen
    ("Edit the con\u00adfig\u00adu\u00adra\u00adtion file.\n", 4),  # hyphenation copied from a page
    ("A manage\u00adment\u00adsystem.\n", 2),
])
def test_soft_hyphens_cut_into_words_are_still_reported(text, count):
    assert len(run_rule(InvisibleCharacter, text)) == count


def test_an_escape_before_link_markup_is_deleted_alone():
    text = "See \x1b[Python][ref] first.\n\n[ref]: https://x.example\n"
    [f] = run_rule(ControlCharacter, text)
    assert (f.span.start, f.span.end) == (4, 5) and f.fix.replacement == "" and f.fix.safe
    assert apply(text, [f]) == "See [Python][ref] first.\n\n[ref]: https://x.example\n"
    # In prose the whole terminal sequence goes.
    [f] = run_rule(ControlCharacter, "Output: \x1b[31mred\x1b[0m text.\n")[:1]
    assert f.text == "\x1b[31m"


# -- ENC104 not UTF-8 ---------------------------------------------------------------------
def test_not_utf8_names_the_encoding_at_the_first_bad_byte():
    from textsieve.source import decode

    data = "Première ligne.\nDeuxième: café crème.\n".encode("cp1252")
    text, info = decode(data)
    document = Document("f.txt", text, "text", info)
    findings = list(NotUtf8().check(document))
    assert len(findings) == 1
    f = findings[0]
    assert (f.span.line, f.span.column, f.span.end_column) == (1, 6, 7)
    assert "byte 0xE8 at byte offset 5" in f.message
    assert f"it was read as {info.encoding}" in f.message and "iconv -f" in f.message
    assert f.fix is None


def test_not_utf8_after_a_bom_and_utf16():
    # The offset counts the stripped BOM: 3 + len(b"Hello\nna") is the "ï".
    source = SourceInfo(encoding="cp1252", bom=True, is_utf8=False, bad_byte_offset=3 + 8)
    document = Document("f.txt", "Hello\nnaïve", "text", source)
    f = list(NotUtf8().check(document))[0]
    assert (f.span.line, f.span.column) == (2, 3)
    source = SourceInfo(encoding="utf-16-le", bom=True, is_utf8=False,
                        decode_note="encoded as UTF-16-LE with a byte order mark")
    f = list(NotUtf8().check(Document("f.txt", "Hi", "text", source)))[0]
    assert (f.span.line, f.span.column) == (1, 1) and "UTF-16LE" in f.message


def test_not_utf8_names_a_file_that_mixes_encodings():
    data = "Café in the century".encode("cp1252") + "’s end, привет\n".encode("utf-8")
    source = SourceInfo(encoding="latin-1", is_utf8=False, bad_byte_offset=3)
    document = Document("f.txt", data.decode("latin-1"), "text", source)
    f = list(NotUtf8().check(document))[0]
    assert (f.span.line, f.span.column) == (1, 4)
    assert f.message.startswith("file mixes encodings: 7 UTF-8 characters and 1 byte that is "
                                "not UTF-8 (the first at byte offset 3: 'é' in Windows-1252)")


def test_not_utf8_in_a_mostly_utf8_file_names_no_made_up_encoding():
    from textsieve.source import decode

    data = "Café crème and a ".encode("utf-8") + b"\x93quote\x94 here.\n"
    text, info = decode(data)
    f = list(NotUtf8().check(Document("f.txt", text, "text", info)))[0]
    assert text[f.span.start] == "“" and (f.span.line, f.span.column) == (1, 18)
    assert "byte 0x93 at byte offset 19" in f.message and "re-type those characters" in f.message
    assert "iconv" not in f.message and info.encoding.upper() not in f.message


def test_not_utf8_advises_an_encoding_name_iconv_knows():
    text = "日本語のテキストです。\n"
    source = SourceInfo(encoding="cp932", is_utf8=False, bad_byte_offset=0)
    f = list(NotUtf8().check(Document("f.txt", text, "text", source)))[0]
    assert "read as cp932" in f.message and "`iconv -f CP932 -t UTF-8`" in f.message
    source = SourceInfo(encoding="iso2022_jp", is_utf8=False, bad_byte_offset=0)
    f = list(NotUtf8().check(Document("f.txt", text, "text", source)))[0]
    assert "`iconv -f ISO-2022-JP -t UTF-8`" in f.message
    # An encoding iconv lacks gets a command that works: Python's codec.
    source = SourceInfo(encoding="mac_greek", is_utf8=False, bad_byte_offset=0)
    f = list(NotUtf8().check(Document("f.txt", "Ελληνικά\n", "text", source)))[0]
    assert "iconv -f" not in f.message and "encoding='mac_greek'" in f.message


def _iconv_names() -> set[str]:
    import shutil

    if shutil.which("iconv") is None:
        pytest.skip("no iconv on PATH")
    out = subprocess.run(["iconv", "-l"], capture_output=True, text=True, check=True).stdout
    return {name.upper() for item in out.split() for name in item.strip(",").split("//") if name}


def test_every_detectable_encoding_has_a_name_iconv_knows_or_none():
    from charset_normalizer.constant import IANA_SUPPORTED

    known = _iconv_names()
    unknown = {e: not_utf8._iconv_name(e) for e in IANA_SUPPORTED
               if not_utf8._iconv_name(e) is not None and not_utf8._iconv_name(e) not in known}
    assert unknown == {}


@pytest.mark.parametrize("codec, text", [
    ("cp932", "日本語のテキストです。設定を変更してください。"),
    ("euc_jis_2004", "日本語のテキストです。設定を変更してください。"),
    ("iso2022_jp", "日本語のテキストです。"),
    ("gb18030", "这是一个中文文本。"),
    ("cp949", "이것은 한국어 텍스트입니다."),
    ("koi8_r", "Это русский текст."),
    ("mac_roman", "Café crème"),
])
def test_the_advised_iconv_command_converts_the_file(codec, text):
    _iconv_names()  # skips without iconv
    name = not_utf8._iconv_name(codec)
    done = subprocess.run(["iconv", "-f", name, "-t", "UTF-8"], input=text.encode(codec),
                          capture_output=True, check=True)
    assert done.stdout.decode("utf-8") == text


def test_a_shift_jis_file_is_read_as_shift_jis_and_the_advice_converts_it():
    from textsieve.source import decode

    text = "日本語のテキストです。設定ファイルを開いて、値を変更してください。\n"
    decoded, info = decode(text.encode("shift_jis"))
    findings = enc(decoded, "f.txt") if info.is_utf8 else [
        f for rule in encoding.RULES for f in rule().check(Document("f.txt", decoded, "text", info))]
    assert decoded == text and info.encoding in ("cp932", "shift_jis")
    assert [f.code for f in findings] == ["ENC104"]
    assert f"`iconv -f {not_utf8._iconv_name(info.encoding)} -t UTF-8`" in findings[0].message


def test_utf8_files_are_fine_and_mojibake_fixes_are_unsafe_in_non_utf8_files():
    assert run_rule(NotUtf8, "Plain café.\n") == []
    source = SourceInfo(encoding="cp1252", is_utf8=False, bad_byte_offset=0)
    document = Document("f.txt", "The centuryâ€™s end\n", "text", source)
    findings = list(Mojibake().check(document))
    assert findings and not findings[0].fix.safe


# -- ENC201 control characters --------------------------------------------------------------
def test_control_characters():
    text = "Press\x07 here.\n\nA \x93quoted\x94 word, x\x81y, and\x0bbreak.\n"
    findings = run_rule(ControlCharacter, text)
    assert [where(f) for f in findings] == [
        (1, 6, 1, 7), (3, 3, 3, 4), (3, 10, 3, 11), (3, 19, 3, 20), (3, 26, 3, 27)]
    assert [f.fix and (f.fix.replacement, f.fix.safe) for f in findings] == [
        ("", True), ("“", False), ("”", False), None, (" ", False)]
    assert "U+0007 (BEL)" in findings[0].message
    assert "Windows-1252 text read as Latin-1; write '“'" in findings[1].message


def test_terminal_escape_sequence_is_one_finding():
    findings = run_rule(ControlCharacter, "Some \x1b[1;31mred\x1b[0m text\n")
    assert [(where(f), f.fix.replacement) for f in findings] == [
        ((1, 6, 1, 13), ""), ((1, 16, 1, 20), "")]
    assert "'\\x1b[1;31m'" in findings[0].message


def test_form_feed_page_break_in_plain_text_is_fine():
    assert run_rule(ControlCharacter, "Page one.\n\x0c\nPage two.\n", "doc.txt") == []
    assert run_rule(ControlCharacter, "Page one.\x0c\nPage two.\n", "doc.txt") == []


def test_c1_character_at_paragraph_end_in_plain_text():
    # U+0085 is white space to Python, so the segment ends before it.
    findings = run_rule(ControlCharacter, "Wait for it\x85\n\nNext.\n", "doc.txt")
    assert [where(f) for f in findings] == [(1, 12, 1, 13)]
    assert findings[0].fix.replacement == "…"


# -- ENC202 invisible characters ---------------------------------------------------------------
def test_invisible_characters_inside_words():
    text = "- the pass\u200bword is here\n- soft hy\u00adphen and wo\u2060rd\n"
    findings = run_rule(InvisibleCharacter, text)
    assert [where(f) for f in findings] == [(1, 11, 1, 12), (2, 10, 2, 11), (2, 22, 2, 23)]
    assert all(f.fix.replacement == "" and f.fix.safe for f in findings)
    assert "U+200B ZERO WIDTH SPACE inside 'pass\\u200bword'" in findings[0].message


def test_invisible_characters_needed_by_scripts_and_emoji_are_fine():
    text = ("می\u200cخواهم (Persian ZWNJ), क्\u200dष (Devanagari ZWJ), 👩\u200d💻 (emoji), "
            "ภาษา\u200bไทย (Thai ZWSP).\n")
    assert run_rule(InvisibleCharacter, text) == []
    assert run_rule(InvisibleCharacter, text, invisible_anywhere=True) == []


def test_invisible_characters_between_words_only_with_option():
    text = "word \u200b next\u200b.\n"
    assert run_rule(InvisibleCharacter, text) == []
    findings = run_rule(InvisibleCharacter, text, invisible_anywhere=True)
    assert [where(f) for f in findings] == [(1, 6, 1, 7), (1, 12, 1, 13)]


def test_allow_option():
    assert run_rule(InvisibleCharacter, "wo\u00adrd\n", allow=["U+00AD"]) == []
    assert run_rule(InvisibleCharacter, "wo\u00adrd\n", allow=["\u00ad"]) == []
    assert len(run_rule(InvisibleCharacter, "wo\u00adrd\n")) == 1


def test_tag_characters_hidden_text():
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "hi")
    findings = run_rule(InvisibleCharacter, f"Look{hidden} here\n")
    assert [where(f) for f in findings] == [(1, 5, 1, 7)]
    assert "hidden text 'hi'" in findings[0].message
    flag = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert run_rule(InvisibleCharacter, f"England {flag} flag\n") == []


# -- ENC203 stray BOM ----------------------------------------------------------------------------
def test_stray_bom():
    text = "# Part one\n\nEnd of part.\n\ufeff# Part two\n"
    findings = run_rule(StrayBom, text)
    assert [where(f) for f in findings] == [(4, 1, 4, 2)]
    assert apply(text, findings) == "# Part one\n\nEnd of part.\n# Part two\n"
    # The file's own BOM (not stripped by whoever made this document) is not stray...
    assert run_rule(StrayBom, "\ufeffHello\n") == []
    # ...but after the reader stripped one, another at the start is.
    document = Document("f.md", "\ufeffHello\n", "markdown", SourceInfo(bom=True))
    assert [where(f) for f in StrayBom().check(document)] == [(1, 1, 1, 2)]


# -- ENC204 bidirectional controls -----------------------------------------------------------------
def test_bidi_override_is_an_error():
    text = "Pay the invoice: \u202eexe.doc\u202c today\n"
    findings = run_rule(BidiControl, text)
    assert [where(f) for f in findings] == [(1, 18, 1, 19), (1, 26, 1, 27)]
    assert all(f.severity == "error" and not f.fix.safe for f in findings)
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in findings[0].message


def test_bidi_embeddings_in_right_to_left_text_are_fine():
    text = "شکست در \u202adup()\u202c در فرایند فرزند\n"
    assert run_rule(BidiControl, text) == []
    # An override stays suspect even there.
    assert len(run_rule(BidiControl, "شکست \u202eabc\n")) == 1


def test_bidi_marks_only_with_option():
    text = "A\u200eB and C\u200fD\n"
    assert run_rule(BidiControl, text) == []
    assert len(run_rule(BidiControl, text, bidi_marks=True)) == 2


# -- machinery ---------------------------------------------------------------------------------------
def test_rules_share_one_analysis_per_document():
    document = make_document("The centuryâ€™s end\u200bx.\n")
    for rule in encoding.RULES:
        list(rule().check(document))
    shared = document.shared(("ENC", "issues"), lambda: None)
    assert [i.code for i in shared] == ["ENC101", "ENC202"]
    assert encoding.analyse(document) is shared


def test_each_rule_declares_only_its_own_options():
    assert Mojibake.options == {} and NotUtf8.options == {}
    assert set(InvisibleCharacter.options) == {"allow", "invisible-anywhere"}
    assert set(BidiControl.options) == {"allow", "bidi-marks"}


def test_cache_round_trip(tmp_path):
    text = "The centuryâ€™s end and AcadÃ©mie.\n"
    cold = Mojibake()
    cold.cache = Cache(tmp_path)
    first = list(cold.check(make_document(text)))
    warm = Mojibake()
    warm.cache = Cache(tmp_path)
    second = list(warm.check(make_document(text)))
    assert warm.cache.hits == 1
    assert [(f.span, f.message, f.fix) for f in first] == [(f.span, f.message, f.fix) for f in second]
    disabled = Mojibake()
    disabled.cache = Cache(None)
    assert len(list(disabled.check(make_document(text)))) == 2


def test_messages_escape_invisible_characters():
    for f in enc("wo\u200brd \x1b[0m and \u202ex\n"):
        assert "\u200b" not in f.message and "\x1b" not in f.message and "\u202e" not in f.message


def test_heavy_libraries_are_imported_lazily():
    code = ("import sys, textsieve.rules.encoding as e; "
            "e.analyse(__import__('textsieve.testing').testing.make_document('plain ascii'), {}); "
            "print('ftfy' in sys.modules, 'charset_normalizer' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
