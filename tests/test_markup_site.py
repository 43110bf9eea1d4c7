"""Templating and site-generator syntax is not prose, and is a boundary between words.

Liquid and Jinja, Hugo shortcodes, mdBook includes, kramdown and Pandoc
attributes, MyST roles, Docusaurus and VitePress containers, MDX. Markdown
cases run under both backends.
"""

import pytest

from textsieve import markup
from textsieve.document import format_for
from textsieve.testing import make_document


@pytest.fixture(autouse=True, params=["python", "rust"])
def markdown_backend(request, monkeypatch):
    if request.param == "rust":
        if not markup.rust_backend_available():
            pytest.skip("markdown-it-pyrs is not installed")
        monkeypatch.delenv("TEXTSIEVE_MARKDOWN", raising=False)
    else:
        monkeypatch.setenv("TEXTSIEVE_MARKDOWN", "python")
    return request.param


def prose(text, path="a.md"):
    return [" ".join(s.text.split()) for s in make_document(text, path).segments]


def runs(text, path="a.md"):
    doc = make_document(text, path)
    return [[doc.text[s.start + a:s.start + b] for a, b in s.opaque] for s in doc.segments]


@pytest.mark.parametrize("tag", [
    "{% include note.html %}", "{%- if page.x -%}", "{{ site.title }}", "{{- page.url -}}",
    '{{< param "version" >}}', "{{% param version %}}", "{{</* figure src=x */>}}",
    "{{#include ../listings/main.rs}}", "{# a Jinja comment #}", "{# about `x` #}",
    '{{< figure src="a.png" link=`https://example.com/x` >}}',
])
def test_templating_in_a_sentence_is_an_opaque_run(tag):
    text = f"Use {tag} to set it.\n"
    assert prose(text) == ["Use to set it."]
    assert runs(text) == [[tag]]
    seg = make_document(text, "a.md").segments[0]
    assert seg.opaque_between(0, len(seg.text))  # "Use" and "to" are not adjacent


def test_templating_in_a_link_destination_keeps_the_link():
    text = "Read [the page]({{ site.baseurl }}/a.html) and [that]({{< ref \"b.md\" >}}) now.\n"
    assert prose(text) == ["Read the page and that now."]
    assert runs(text) == [["({{ site.baseurl }}/a.html)", '({{< ref "b.md" >}})']]


def test_paired_shortcode_body_is_prose_and_its_arguments_are_not():
    text = ('{{% alert title="Careful here" color="warning" %}}\nThe body is prose.\n{{% /alert %}}\n\n'
            "Inline {{< hl >}}words{{< /hl >}} too.\n")
    assert prose(text) == ["The body is prose.", "Inline words too."]
    assert "Careful" not in " ".join(prose(text))


@pytest.mark.parametrize("block", [
    "{{< highlight go >}}\nfunc main() { fmt.Println(x) }\n\nmore code here\n{{< /highlight >}}\n",
    "{{< code-toggle file=hugo >}}\n[params]\nkey = 'value text'\n{{< /code-toggle >}}\n",
    '{{< tab header="Go" lang="go" >}}\nfmt.Println("hello world")\n{{< /tab >}}\n',
    "{% highlight ruby %}\ndef foo\n  puts 'the words'\nend\n{% endhighlight %}\n",
    "{% comment %}\nNot for readers.\n\nStill a comment.\n{% endcomment %}\n",
    "{{< comment >}}\nNot for readers.\n{{< /comment >}}\n",
    "{{< highlight md >}}\n> [!NOTE]\n> Quoted in code.\n{{< /highlight >}}\n",
])
def test_code_and_comment_bodies_are_not_prose(block):
    assert prose("Before.\n\n" + block + "\nAfter.\n") == ["Before.", "After."]


def test_a_code_shortcode_inside_a_sentence_is_one_run():
    text = 'Some {{< highlight go "hl_inline=true" >}}fmt.Println("x"){{< /highlight >}} code.\n'
    assert prose(text) == ["Some code."]
    assert runs(text) == [['{{< highlight go "hl_inline=true" >}}fmt.Println("x"){{< /highlight >}}']]


def test_a_self_closing_shortcode_pairs_with_nothing():
    text = "{{< code-toggle config=privacy />}}\n\nThis paragraph is prose.\n\n{{< code-toggle >}}\nx = 1\n{{< /code-toggle >}}\n"
    assert prose(text) == ["This paragraph is prose."]


def test_template_lines_that_open_a_block_are_blank_lines():
    # The shortcode line opens a block: what follows opens its own, so the indented
    # code after it is code, not a continuation of a paragraph of templating.
    text = "{{< tabpane >}}\n    npm install the package\n{{< /tabpane >}}\n\nAfter.\n"
    assert prose(text) == ["After."]
    # Inside a paragraph the template is a word of it: the paragraph goes on.
    text = "First line\n{% if site.x %}\nsecond line.\n{% endif %}\n"
    assert prose(text) == ["First line second line."]


def test_a_template_over_lines_keeps_a_list_items_indentation():
    text = ("1. The item:\n\n   ```yaml\n   key: value {{%\n   param version %}}\n   ```\n\n"
            "2. Another item.\n")
    assert prose(text) == ["The item:", "Another item."]


@pytest.mark.parametrize("left,right", [("{{", "}}"), ("{{<", ">}}"), ("{%", "%}"), ("{#", "#}")])
def test_two_code_spans_are_not_one_template(left, right):
    text = f"Write `{left}` and `{right}` around it.\n"
    assert prose(text) == ["Write and around it."]
    assert runs(text) == [[f"`{left}`", f"`{right}`"]]


@pytest.mark.parametrize("text,expected", [
    ("## Install {#install}\n", ["Install"]),
    ("## Install {#install .wide}\n", ["Install"]),
    ("## Install {.unnumbered}\n", ["Install"]),
    ("## 1 - Monitoring {#1---monitoring}\n", ["1 - Monitoring"]),
    ("## The `x` list {#the-`x`-list}\n", ["The list"]),
    ("# Title {-}\n", ["Title"]),
    ("A paragraph.\n{: .note}\n", ["A paragraph."]),
    ("A [link](u){:target=\"_blank\"} here.\n", ["A link here."]),
    ("{:toc}\n\nText.\n", ["Text."]),
    ("## Usage {/*usage*/}\n", ["Usage"]),  # an MDX comment as the id (React's docs)
    ("{/* TODO: add a diagram */}\n\nText.\n", ["Text."]),
    ("Install to {/usr/local} first.\n", ["Install to {/usr/local} first."]),
])
def test_attributes_are_not_prose(text, expected):
    assert prose(text) == expected


def test_heading_ids_leave_no_token():
    # {#anchor} is markup: hidden, and dropped at the heading's edge.
    doc = make_document("## Getting started {#getting-started}\n", "a.md")
    (seg,) = doc.segments
    assert (doc.text[seg.start:seg.end], seg.opaque) == ("Getting started", ())


@pytest.mark.parametrize("text", [
    "::: tip Pro tip\nThe body.\n:::\n",
    ":::note[Custom title]\nThe body.\n:::\n",
    ":::tip{icon=\"heart\"}\nThe body.\n:::\n",
    "::::{note}\nThe body.\n::::\n",
    "::: details Click to see\n\nThe body.\n\n:::\n",
])
def test_containers_markers_and_titles_are_not_prose(text):
    assert prose(text) == ["The body."]


@pytest.mark.parametrize("text", ["> [!NOTE]\n> The body.\n", "> [!tip]- The body.\n",
                                  "- > [!WARNING]\n  > The body.\n"])
def test_alert_markers_are_not_prose(text):
    assert prose(text) == ["The body."]


def test_myst_roles_and_directives_are_not_prose():
    text = "See {ref}`the-label` and {py:func}`numpy.sum` here.\n\n```{note}\nfenced\n```\n"
    assert prose(text) == ["See and here."]


def test_html_comments_are_opaque():
    text = "Keep this <!-- not this --> text.\n\n<!-- a block\ncomment -->\n"
    assert prose(text) == ["Keep this text."]
    assert runs(text) == [["<!-- not this -->"]]


MDX = """---
title: A page
---
import { Aside, Tabs, TabItem } from '@astrojs/starlight/components';
import Since from '~/components/Since.astro';

export const meta = {
  title: 'x',
};

# Title of {frontmatter.title}

<Aside type="tip">
Tip text is prose.
</Aside>

<Tabs>
  <TabItem label="npm">
    ```sh
    npm install the package
    ```
  </TabItem>
  <TabItem label="pnpm">
    ~~~sh
    pnpm add the package
    ~~~
  </TabItem>
</Tabs>

Call <Since v="4.2" /> the API {/* a comment */} now.
"""


def test_mdx_esm_jsx_and_expressions():
    # Each JSX tag alone on its line is a block of its own: the second tab's fence, after
    # the first tab's closing tag, is code, not the continuation of a paragraph.
    assert prose(MDX, "a.mdx") == ["Title of", "Tip text is prose.", "Call the API now."]
    assert runs(MDX, "a.mdx")[2] == ['<Since v="4.2" />', "{/* a comment */}"]


def test_mdx_syntax_only_in_mdx_files():
    text = "import the data first.\n\nThen {this} stays.\n"
    assert prose(text, "a.md") == ["import the data first.", "Then {this} stays."]
    assert prose(text, "a.mdx") == ["Then stays."]


def test_mdx_is_markdown():
    assert format_for("docs/page.mdx") == "markdown"


@pytest.mark.parametrize("path", ["a.rst", "a.txt"])
def test_templating_in_rst_and_plain_text(path):
    text = "Use {{ variable }} to set {% the_tag %} here.\n"
    assert prose(text, path) == ["Use to set here."]
    assert runs(text, path) == [["{{ variable }}", "{% the_tag %}"]]
