"""The two Markdown backends give the same segments and directives.

markdown-it-pyrs (Rust, the ``fast`` extra) places text by its source maps;
markdown-it-py (the portable default) by searching the source with a cursor.
Each snippet below is parsed by both and the results compared field by field.
Where the two parsers read a document differently, the Rust backend hands it
to markdown-it-py (``_parse_markdown_rs`` returns None); DEFERRED lists each
such reading, and a test checks that markdown-it-pyrs still reads it so, so
that the hand-over can be dropped when it no longer does.

The differential run over a large real corpus is
``python benchmarks/parse_speed.py --compare``.
"""

import glob
import os
import random
import subprocess
import sys

import pytest

from textsieve import markup
from textsieve.markup import markdown as markdown_py, markdown_rs, site
from textsieve.testing import make_document

needs_rust = pytest.mark.skipif(not markup.rust_backend_available(),
                                reason="markdown-it-pyrs is not installed")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SNIPPETS = [
    # every construct
    "---\ntitle: Front matter\n---\n# Heading *one* #\n\nPara with `code`, [a link](http://x.y/(z) \"t\") "
    "and <b>html</b>.\n\n> Quoted\n> text.\n\n- item\n- *item* two\n\n| h | 😀 |\n|---|---|\n| ü | 日本 |\n",
    "Setext one\n===\n\nSetext\ntwo\n---\n",
    "# ATX #\n## ATX ##   \n#\n### \n# #x\n",
    "***\n---\n___\n\nfoo\n***\nbar\n",
    "    code\n\n```js\nx\n```\n~~~\ny\n~~~\n```\nunclosed\n",
    # nested lists and quotes
    "- a\n- b\n  - c\n    - d\n- e\n",
    "1. a\n2. b\n\n   para\n3) c\n",
    "- a\n  # h\n  b\n", "- a\n  > q\n  b\n", "-\n  foo\n- \n- bar\n", "- ```\n  code\n  ```\n  after\n",
    "- a\n  <div>\n  x\n  </div>\n",
    "> a\n> > b\n> c\n\nlazy\n> d\ncontinued\n",
    "> - a\\\n>   b  \n>   c\n",  # markdown-it.rs maps "c" to a wrong end
    "1.  . dot item\n", "- -x\n", "> 1. 1.5 x\n",
    # tables
    "| a | b |\n|:--|--:|\n| 😀 | 日本語 |\n| c |\n| d | e | f |\n",
    "| a \\| b | `c\\|d` |\n|---|---|\n| x | y |\n",
    "> | a |\n> |---|\n> | b |\n", "- | a |\n  |---|\n  | b |\n", "| a |\n|---|\n",
    "| **b** | [l](u) | ![i](j) |\n|--|--|--|\n| &amp; | \\* | <b>x</b> |\n",
    "| 日本語 | 😀 emoji |\n|---|---|\n| ünï | 𝄞 clef |\n",
    # tables written without outer pipes, as Hugo's docs write them
    "a | b\n--|--\nc | d\n",
    "Object|Method|Description\n:--|:--|:--\n[`strings.ToLower`][]|`lower`|x\n`a`|(b)|3 c\n\nafter\n",
    "a | b\n--|--\n1) c | d\n",  # the list item ends the table in both
    "Easy?|:heavy_check_mark:|x\n:--|:-:|:-:\nBaseFileName|a.en|_index.en\n",
    # entities, escapes, autolinks, images
    "&amp; &#35; &#x1F600; &bogus; &nbsp;x &copy &#0;\n",
    "\\a \\* \\\\ \\é \\[x\\] \\` `code`\n",
    "x <http://a.b/c> y <me@x.org> z www.x.com w http://example.com/x. and https://y.z/(a).\n",
    "![alt *e* [x]](i.png \"t\") after ![b][a] z\n\n[a]: /x\n",
    "[![img](i.png)](url) after\n", "![a](u)(x) [x](y) (z)\n",
    # links: references, titles with parentheses and quotes
    "[foo](not a link) and more\n\n[foo]: /u\n",
    "[a](<a)b>)b and more\n", "[a](u \"ti)tle\") after\n", "[a](u (ti(t)le)) after\n",
    "[a](u 'it''s') after\n", "[a](u\n\"multi\nline\") after\n", "[a](<u> \"t\") after\n",
    "[a] [b]\n\n[a]: /x\n[b]: /y 'T'\n", "[a][] and [b][a] text\n\n[a]: /x\n",
    "[foo\nbar]: /url\n\n[foo bar]\n", "[a]: <u> 'T'\n[b]:\n  /v\n  \"T2\"\n\n[a] [b]\n",
    "text [link](http://x.com/a_(b)_c) after\n", "text [link](</a b> \"t\") after\n",
    "[`code`](u) [a `]` b](u) [a \\] b](u)\n", "[a](u)b](c)\n", "[a]b\n\n[a]: /x\n",
    "[[a]](u)\n", "[a [b] c](u) d\n", "*[a](u)* **[b](v)**\n", "[a](javascript:alert(1)) x\n",
    # emphasis and strikethrough
    "*a **b** c* _x_y_ a*b*c ***s*** **a*\n", "**a*** and ~~c~~~~\n", "***a**\n", "*a**\n",
    "~a~ ~~b~~ ~~~c~~~\n", "~~a ~~b~~ c~~\n", "*a **b* c**\n",
    # HTML inline and blocks, with directives
    "<span title=\"x\">a</span> <!-- textsieve: disable VAG101 --> b\n",
    "<div>\n<!-- textsieve: disable-next-line DUP -->\n</div>\n\ntext\n",
    "<!-- textsieve: disable -->\ntext\n\n<!-- textsieve: enable -->\n",
    "<!--\ntextsieve: disable X\n-->\n\n<pre>\ntextsieve: enable\n</pre>\n",
    "<!--\xa0textsieve:\xa0disable\xa0ENC -->\n", "a <!-- textsieve:\u2003disable-next-line X --> b\n",
    "<b>bold</b>*em*<br/>x\n", "<a href=\"x\">\nlink</a>\n",
    # front matter
    "---\ntitle: x\n...\n\nbody\n", "+++\ntitle = 'x'\n+++\nbody\n", "---\nNot front matter.\n",
    "---\n---\nx\n", "----\na\n----\nx\n",
    # CRLF, CR, tabs, hard breaks
    "First\r\nsecond &amp; x\r\n\r\n- a\r\n- b\r\n", "one\rtwo\r\rthree\r",
    "a\tb\n\n-\ta\n\n\tcode\n", "a\\\nb  \nc\\\\\n", "a\\\n\\ b\n", "a  \nb\n",
    # unicode before and after, wide spaces at block edges
    "é [l](u) ü\n\n😀 *b* 😀\n", "Voil\u00c3\xa0\n\n# Titre \u00c3\xa0\n\n| \u00c3\xa0 | b |\n|---|---|\n| \xa0 | c |\n",
    "\xa0x\xa0\n", "x\n\u3000y\u3000\nz\u2003\n", "- \u2028x\u2028\n", "# x \xa0 #\n", "\xa0- item\n",
    "x\n---\xa0\n", "**bold**\xa0\n", "Ä *€a* b\n",
    "\u0301*a*\u0301 ß İ Σ\n",
    # opaque runs: code spans whose backtick runs differ, links, images, HTML
    "Run `cmd``the the`the the\n", "`u``a`a\n", "a ``b ` c`` d `e`\n", "`a``b``c`\n",
    "[a](u) [b][r] [c][] [r] ![i](j \"t\") <http://a.b> <b>x</b>\n\n[r]: /x\n",
    "[a `]` b](u) and [*e*](v) and [![i](j)](k)\n", "- `--flag`: does it\n- ends with `code`\n",
    "Use <code>a b</code> and <kbd>C</kbd>.\n\n**T:** <code>() => P\\<R\\></code>\n\n<b>x</b>\n",
    # autolinks and tags holding control characters and wide spaces
    "x <http://a\x01b> y\n", "<http://a\x1fb> <c.de:\x1c\x9ca_>\n", "<x\x1e> and <y\x1f/>\n",
    # templating and site-generator syntax
    "Use {{< param \"v\" >}} and {{% alert %}}body{{% /alert %}} and {% include x %} and "
    "{{ site.url }} and {#c#}.\n",
    "[t]({{ site.baseurl }}/a) [u]({{< ref \"b\" >}})\n", "## Title {#id}\n\nText {: .c}\n{: .note}\n",
    "{{< tabpane >}}\n    indented after\n{{< /tabpane >}}\n\npara\n{% if x %}\nmore\n{% endif %}\n",
    "::: tip Title\nBody\n:::\n\n:::note[T]\nB\n:::\n", "{{< highlight go >}}\ncode\n{{< /highlight >}}\n",
    "1. item:\n\n   ```yaml\n   k: v {{%\n   param x %}}\n   ```\n\n2. next\n",
    "Write `{{` and `}}` here; {ref}`x` and {{< a >}}\n", "| {{ a | b }} | c |\n|---|---|\n| d | e |\n",
]

# Read as MDX (a .mdx path) by both backends: ESM lines, JSX, expressions.
MDX_SNIPPETS = [
    "import { A } from 'x';\nexport const b = 1;\n\n# T {frontmatter.title}\n\n<Aside type=\"tip\">\n"
    "Tip.\n</Aside>\n\n<Tabs>\n  <TabItem label=\"a\">\n    ```sh\n    npm i\n    ```\n  </TabItem>\n"
    "</Tabs>\n\nCall <Since v=\"4\" /> now {/* c */}.\n",
    "<Card\n  title=\"x\"\n  icon={y}\n>\nBody.\n</Card>\n", "export default function A() {}\n\nText.\n",
]

# Documents the Rust backend hands to markdown-it-py: (text, what differs, a check that
# markdown-it-pyrs still reads it so, on the set of its tree's node names or None if it panics).
DEFERRED = [
    ("a*€*b\n", "CommonMark 0.31 counts symbols (€) as punctuation for flanking: no emphasis; "
     "markdown-it.rs (0.30) makes one", lambda names: "em" in names),
    ("*\x85a*\n", "U+0085 is not Unicode whitespace, so this is emphasis; markdown-it.rs reads "
     "it as whitespace", lambda names: "em" not in names),
    ("a <!--> b\n", "CommonMark 0.31 made <!--> a comment", lambda names: "html_inline" not in names),
    ("<!a>\n\ntext\n", "CommonMark 0.31 made <!a a declaration (an HTML block)",
     lambda names: "html_block" not in names),
    ("a\x00b *c*\n", "NUL becomes U+FFFD (a symbol) in markdown-it-py, as CommonMark says; "
     "markdown-it.rs keeps it", lambda names: "em" in names),
    ("[a ` b](u) text\n", "markdown-it.rs panics in its code-span cache", lambda names: names is None),
    ("[` `c`d``\n", "markdown-it.rs's code-span cache, filled by the link label scan, hides "
     "the code span ` `", lambda names: "code_inline" not in names),
    ("-\n\t_u__\n", "markdown-it.rs maps the text after a tab-indented empty item start "
     "to the wrong bytes", lambda names: misplaced("-\n\t_u__\n")),
    ("> a\tb  \n>\tc\n", "markdown-it.rs maps text after a tab in a quote's prefix to the "
     "wrong bytes", lambda names: misplaced("> a\tb  \n>\tc\n")),
    ("- a\n\n\tb\n", "markdown-it.rs maps a tab-indented paragraph of an item to the wrong "
     "bytes", lambda names: misplaced("- a\n\n\tb\n")),
    ("[a](<u>\"t\") after\n", "a title must be separated from the destination: no link; "
     "markdown-it.rs makes one", lambda names: "link" in names),
    # markdown-it-py's reading is kept, though CommonMark makes these lazy lines of the quote:
    ("> quote\n-\n", "an empty item cannot interrupt a paragraph: lazy line (markdown-it.rs) "
     "or a list after the quote (markdown-it-py)", lambda names: "list_item" not in names),
    ("> quote\n2) two\n", "an item numbered other than 1 cannot interrupt a paragraph",
     lambda names: "list_item" not in names),
    # the table extension's corners, where the two implementations differ
    ("| a |\n--\n", "a delimiter row without a pipe: table (markdown-it-py) or setext heading",
     lambda names: "lheading" in names),
    ("x\n-|\n", "a header row without a pipe: paragraph (markdown-it-py) or table",
     lambda names: "table" in names),
    ("a||\n-|-\n-\n", "an empty item after a table: list (markdown-it-py) or table row",
     lambda names: "list_item" not in names),
    ("> x\n| a | b |\n|---|---|\n", "a table after a quote's last line: lazy lines "
     "(markdown-it-py) or a table", lambda names: "table" in names),
]


# Handed over by a cautious check though both parsers read it alike: a line with a pipe
# over a delimiter-like line that heads no table; a row without a leading pipe under a
# header with one, or in a list item.
CAUTIOUS = ["| a | b |\xa0\n|---|---|\n| c | d |\xa0\n", "| a | b |\n|---|---|\nc | d\n",
            "- a | b\n  --|--\n  c | d\n"]


def outcome(parsed):
    segments, directives = parsed
    return [(s.kind, s.start, s.end, s.text, s.level, s.revealed, s.opaque) for s in segments], directives


def misplaced(text):
    """Whether markdown-it-pyrs maps some text node where the source does not hold it."""
    data = markdown_py._normalize(text)[1].encode("utf-8")
    return any(data[node.srcmap[0]:].startswith(node.meta["content"].encode("utf-8")) is False
               for node in markdown_rs._rs_tree(data.decode("utf-8")).walk() if node.name == "text")


def rust_names(text):
    try:
        tree = markdown_rs._rs_tree(markdown_py._normalize(text)[1])
    except BaseException as error:  # noqa: B036 - a Rust panic is a BaseException
        if type(error).__name__ != "PanicException":
            raise
        return None
    return {node.name for node in tree.walk()}


@needs_rust
@pytest.mark.parametrize("text", SNIPPETS)
def test_snippet_same_in_both_backends(text):
    rust = markup._parse_markdown_rs(text)
    assert rust is not None, "the Rust backend should handle this one itself"
    assert outcome(rust) == outcome(markup._parse_markdown_py(text))


@needs_rust
@pytest.mark.parametrize("text", MDX_SNIPPETS)
def test_mdx_snippet_same_in_both_backends(text):
    rust = markup._parse_markdown_rs(text, True)
    assert rust is not None, "the Rust backend should handle this one itself"
    assert outcome(rust) == outcome(markup._parse_markdown_py(text, True))


@pytest.mark.parametrize("text,code,after", [("`u``a`a\n", (0, 6), "a"),
                                             ("Run `cmd``the the`the the\n", (4, 18), "the the")])
def test_a_code_span_ends_at_a_backtick_run_of_its_own_width(text, code, after):
    # markdown-it-py placed the end at the first backtick inside: "the the" in the code
    # became prose and the real one after it was taken for code.
    for parse in (markup._parse_markdown_py, markup._parse_markdown):
        (seg,), _ = parse(text)
        assert [(seg.start + a, seg.start + b) for a, b in seg.opaque] == [code]
        assert seg.text[code[1] - seg.start:] == after
        assert seg.text[:code[0] - seg.start].strip() == text[:code[0]].strip()


@pytest.mark.parametrize("text", ["<http://a\x1fb>\n", "x <c.de:\x1c\x9ca_> y\n", "<x\x1e>\n",
                                  "`<https://x.y/\x1f>\x91 z\n"])
def test_information_separators_are_not_white_space(text):
    # CommonMark reads U+001C..U+001F as control characters: no autolink, no HTML tag.
    segments, _ = markup._parse_markdown_py(text)
    assert segments and all("<" in seg.text for seg in segments)
    assert outcome(markup._parse_markdown(text)) == outcome((segments, _))


@needs_rust
@pytest.mark.parametrize("text", ["<b\u3000a>x\n", "a <x\xa0y=1> b\n", "<x/>\x85\n", "</b\u2028>\n"])
def test_wide_space_in_a_tag_goes_to_markdown_it_py(text):
    # markdown-it.rs takes any Unicode white space for a tag's separator; CommonMark does not.
    assert markup._parse_markdown_rs(text) is None
    assert outcome(markup._parse_markdown(text)) == outcome(markup._parse_markdown_py(text))


@needs_rust
@pytest.mark.parametrize("text,why,still", DEFERRED, ids=[why[:40] for _, why, _ in DEFERRED])
def test_where_the_parsers_differ_markdown_it_py_decides(text, why, still, capfd):
    assert markup._parse_markdown_rs(text) is None
    assert outcome(markup._parse_markdown(text)) == outcome(markup._parse_markdown_py(text))
    assert still(rust_names(text)), f"markdown-it-pyrs no longer differs here ({why})"
    assert capfd.readouterr().err == ""  # a panic's message is kept off stderr


@needs_rust
@pytest.mark.parametrize("text", CAUTIOUS)
def test_cautious_hand_over_is_still_identical(text):
    assert markup._parse_markdown_rs(text) is None
    assert outcome(markup._parse_markdown(text)) == outcome(markup._parse_markdown_py(text))


def generate(rng):
    inline = ["word", "two words", "é", "😀", "日本語", "*em*", "**strong**", "_u_", "~~s~~", "`c`",
              "``c`d``", "[l](u)", "[l](u \"t\")", "[l](<a b> (t))", "![i](u)", "[r]", "[r][]",
              "[x][r]", "<http://a.b>", "<a@b.c>", "http://x.y/z", "&amp;", "&#35;", "&nbsp;",
              "&bogus;", "\\*", "\\\\", "\\[", "<b>x</b>", "<!-- textsieve: disable X -->", "a  ",
              "\\", "\xa0", "\u3000", "€", "|", "\\|", "*", "_", "~", "`", "[", "]", "(", ")", "<",
              ">", "\t", "``", "{{ v }}", "{% t %}", "{{< s >}}", "{{% p %}}", "{#id}", "{: .c}",
              "{x}", "<A b=\"c\">", "</A>", "\x1f", "\x85"]
    prefixes = ["", "", "", "> ", "- ", "* ", "1. ", "2) ", "  ", "    ", "\t", "> - ", "# ",
                "## ", "| ", "  - "]
    blocks = ["```", "~~~", "---", "***", "===", "<div>", "</div>", "<!--", "-->", "| a | b |",
              "|---|---|", "a | b", "--|--", "[r]: /u 'T'", "", "", "---\nx: 1\n---", ":::", "::: tip T",
              "{{< tabs >}}", "{{% /tab %}}", "{% raw %}", "{: .note}", "import x from 'y'", "<Aside>",
              "> [!NOTE]", "{{< highlight x >}}", "{{< /highlight >}}", "{% comment %}", "{% endcomment %}"]

    def line():
        if rng.random() < 0.3:
            return rng.choice(blocks)
        words = " ".join(rng.choice(inline) for _ in range(rng.randint(0, 6)))
        return rng.choice(prefixes) + words + rng.choice(["", "", " ", "  ", "\\", "\r"])

    return "\n".join(line() for _ in range(rng.randint(1, 12))) + "\n"


@needs_rust
def test_generated_documents_same_in_both_backends():
    rng = random.Random(20240611)
    handled = 0
    for index in range(600):
        text, mdx = generate(rng), index % 3 == 0
        assert len(site._site_syntax(text, mdx)[0]) == len(text)  # offsets stay put
        rust = markup._parse_markdown_rs(text, mdx)
        handled += rust is not None
        expected = outcome(markup._parse_markdown_py(text, mdx))
        assert outcome(rust or markup._parse_markdown_py(text, mdx)) == expected, (repr(text), mdx)
    assert handled >= 360  # most are the Rust backend's own work


@needs_rust
def test_project_markdown_files_same_in_both_backends():
    paths = glob.glob(os.path.join(ROOT, "*.md")) + glob.glob(os.path.join(ROOT, "*", "*.md"))
    assert len(paths) >= 5
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        rust = markup._parse_markdown_rs(text)
        assert rust is not None, path
        assert outcome(rust) == outcome(markup._parse_markdown_py(text)), path


@pytest.mark.parametrize("text", ["ascii only", "é😀日本 mixed ünï 𝄞 x", "😀😀a😀", "\u00e9\n\u4e00\n"])
def test_byte_offsets_map_back_to_characters(text):
    offsets = markdown_rs._ByteOffsets(text)
    for index in range(len(text) + 1):
        assert offsets.char(len(text[:index].encode("utf-8"))) == index


@needs_rust
def test_lone_surrogates_go_to_markdown_it_py():
    text = "A lone \ud800 surrogate.\n"
    assert markup._parse_markdown_rs(text) is None
    assert [s.text for s in make_document(text, "a.md").segments] == ["A lone \ud800 surrogate."]


def test_environment_variable_forces_markdown_it_py(monkeypatch):
    monkeypatch.setenv("TEXTSIEVE_MARKDOWN", "python")
    assert markup.markdown_backend() == "python"
    monkeypatch.delenv("TEXTSIEVE_MARKDOWN")
    assert markup.markdown_backend() == ("rust" if markup.rust_backend_available() else "python")


def test_parsers_are_imported_with_the_first_markdown_document():
    code = ("import sys, textsieve.markup as m\n"
            "assert not {'markdown_it', 'markdown_it_pyrs'} & set(sys.modules)\n"
            "from textsieve.document import Document\n"
            "Document('a.md', '# Title\\n', 'markdown')\n"
            "print(sorted({'markdown_it', 'markdown_it_pyrs'} & set(sys.modules)))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "TEXTSIEVE_MARKDOWN": ""}, check=True)
    loaded = eval(result.stdout)  # noqa: S307 - our own print of a list of names
    assert loaded == (["markdown_it_pyrs"] if markup.rust_backend_available() else ["markdown_it"])
