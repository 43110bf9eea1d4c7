import pytest

from textsieve.sentences import split_sentences


def texts(s):
    return [x.text for x in split_sentences(s)]


@pytest.mark.parametrize("text, expected", [
    ("Dr. Smith arrived. He left.", ["Dr. Smith arrived.", "He left."]),
    ("The U.S. Army is large. It is old.", ["The U.S. Army is large.", "It is old."]),
    ("Use a tool, e.g. Vale. Or not.", ["Use a tool, e.g. Vale.", "Or not."]),
    ("Pi is 3.14159 or so. Really.", ["Pi is 3.14159 or so.", "Really."]),
    ("Wait... then what? Nothing!", ["Wait... then what?", "Nothing!"]),
    ("He paused... and went on.", ["He paused... and went on."]),
    ("J. R. R. Tolkien wrote it. Then he rested.", ["J. R. R. Tolkien wrote it.", "Then he rested."]),
    ('She said "Go." Then she left.', ['She said "Go."', "Then she left."]),
    ("It ends here", ["It ends here"]),
    ("Version 2.0 shipped. Version 3 did not.", ["Version 2.0 shipped.", "Version 3 did not."]),
])
def test_sentence_boundaries(text, expected):
    assert texts(text) == expected


def test_offsets_are_exact_and_shifted():
    text = "  One here.  Two there. "
    sentences = split_sentences(text, offset=100)
    for s in sentences:
        assert text[s.start - 100:s.end - 100] == s.text
    assert [(s.start, s.end) for s in sentences] == [(102, 111), (113, 123)]


# -- every script ---------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    # Chinese and Japanese: full-width terminals, no space after them.
    ("你好。我很好！你呢？好的", ["你好。", "我很好！", "你呢？", "好的"]),
    ("設定を保存します。次に再起動します。", ["設定を保存します。", "次に再起動します。"]),
    ("「行こう。」彼は言った。", ["「行こう。」", "彼は言った。"]),
    # A full-width full stop between digits is a decimal point.
    ("バージョン１．５です。次へ", ["バージョン１．５です。", "次へ"]),
    # Arabic and Persian question mark, Urdu full stop; Arabic letters have no case.
    ("هل هذا صحيح؟ نعم هذا صحيح.", ["هل هذا صحيح؟", "نعم هذا صحيح."]),
    ("یہ پہلا جملہ ہے۔ یہ دوسرا ہے۔", ["یہ پہلا جملہ ہے۔", "یہ دوسرا ہے۔"]),
    # Devanagari danda; Hindi letters have no case.
    ("यह पहला वाक्य है। यह दूसरा है।", ["यह पहला वाक्य है।", "यह दूसरा है।"]),
    # A period before a letter of a script without case (Hangul, Hebrew).
    ("첫 문장입니다. 두 번째 문장입니다.", ["첫 문장입니다.", "두 번째 문장입니다."]),
    ("זה המשפט הראשון. זה השני.", ["זה המשפט הראשון.", "זה השני."]),
    # Armenian full stop, Ethiopic full stop, double exclamation mark.
    ("Սա առաջինն է։ Սա երկրորդն է։", ["Սա առաջինն է։", "Սա երկրորդն է։"]),
    ("ይህ አንደኛ ነው። ይህ ሁለተኛ ነው።", ["ይህ አንደኛ ነው።", "ይህ ሁለተኛ ነው።"]),
    ("Stop‼ Then go.", ["Stop‼", "Then go."]),
    # Capitals beyond the ranges once listed: Cyrillic Ё and І, Romanian Ș.
    ("Это первое. Ёлка стоит.", ["Это первое.", "Ёлка стоит."]),
    ("Це перше. Інше друге.", ["Це перше.", "Інше друге."]),
    ("Acesta e primul. Ștefan vine.", ["Acesta e primul.", "Ștefan vine."]),
    # After a letter of a script without case, a Latin identifier may open the next sentence.
    ("매핑할 수 있습니다. locales는 문자열입니다.", ["매핑할 수 있습니다.", "locales는 문자열입니다."]),
    # A name written lower case first with a capital inside.
    ("The CN is empty. gRPC-proxy stops. iOS works.", ["The CN is empty.", "gRPC-proxy stops.", "iOS works."]),
    # A lower-case word after a lower-case word of five letters or more and a period.
    ("It reached the member. etcd may abort it.", ["It reached the member.", "etcd may abort it."]),
    # A unit after a number is not an abbreviation ("ms" is one after a space: Ms. Smith).
    ("Most are served in under 90ms. You can see it.", ["Most are served in under 90ms.", "You can see it."]),
    # German low opening quote.
    ('Er sagte es. „Komm mit", rief sie.', ["Er sagte es.", '„Komm mit", rief sie.']),
])
def test_sentence_boundaries_in_every_script(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize("text", [
    "Open the file.txt and go on.",       # a period inside a word
    "It costs 3.5 or so.",                # a decimal point
    "See Dr. 山田 for help.",              # an abbreviation, before a letter without case
    "Really? yes, really.",               # lower case after a mark
    "ایمیل بفرستید example.com را ببینید",  # a period inside a name
    "Ask Ms. Smith, or Dr. Chen.",        # abbreviations after a space
    "See the docs, e.g. gRPC or iOS.",    # an abbreviation before an identifier
    "It is about approx. three times as big, equiv. to four.",  # long abbreviations
    "Use Kubernetes. etcd is not split after a capitalised word.",
    "Keep one, two, etc. and more.",      # an abbreviation of three letters
])
def test_no_boundary_where_none_is(text):
    assert texts(text) == [text]


def test_terminals_are_unicodes_sentence_terminal_property():
    # The table was generated from the regex module's Unicode data; every entry is
    # a Sentence_Terminal there, and every character regex marks so that this
    # Python's own Unicode data knows is in the table (a newer Unicode may add more).
    import sys
    import unicodedata

    from textsieve.sentences import SENTENCE_TERMINALS

    regex = pytest.importorskip("regex")
    prop = regex.compile(r"\p{Sentence_Terminal}")
    marked = {c for c in map(chr, range(sys.maxunicode + 1)) if prop.match(c)}
    assert SENTENCE_TERMINALS - marked == {"…"}  # the ellipsis, on purpose
    known = {c for c in marked if unicodedata.category(c) != "Cn"}
    assert known <= SENTENCE_TERMINALS
    assert {"。", "！", "？", "؟", "।", "॥", "۔", "։", "።", "‼", "⁇"} <= SENTENCE_TERMINALS
