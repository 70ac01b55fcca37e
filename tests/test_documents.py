"""Reading sources into Documents (pure: no database, no network)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.models import Document
from frontlines.sources.documents import (
    BOILERPLATE_RULES,
    DEFAULT_MAX_BYTES,
    SourceError,
    SourceWarning,
    boilerplate_rule,
    clean_text_page,
    content_hash,
    detect_language,
    document_from_text,
    parse_date,
    read_file,
    read_source,
    related_headline,
)

FIXTURES = Path(__file__).parent / "fixtures"

# The report text (a few long sentences) used to build small fixtures on the fly.
REPORT = (
    "Rebel fighters took the hill town of Aldmoor on Friday after a night of shelling, "
    "a military spokesman said.\n\n"
    "The spokesman said government troops had pulled back to the valley floor to regroup "
    "and wait for reinforcements from the north.\n"
)


def docs(items: list) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def errors(items: list) -> list[SourceError]:
    return [i for i in items if isinstance(i, SourceError)]


def warnings(items: list) -> list[SourceWarning]:
    return [i for i in items if isinstance(i, SourceWarning)]


# --- the seed report -----------------------------------------------------------


@pytest.fixture(scope="module")
def seed(shared: Path) -> Document:
    items = list(read_source(shared / "examples" / "seed-report.txt"))
    assert not errors(items) and not warnings(items)
    (doc,) = docs(items)
    return doc


def test_seed_report_metadata_is_found(seed: Document) -> None:
    assert seed.published == "2021-06-22T08:18"  # written day-first "22/06/2021 at 08:18"
    assert seed.outlet == "Defence Redefined"
    assert seed.title is not None
    assert seed.title.startswith("Afghanistan | The country is falling into the hands of")
    assert seed.language == "en"
    assert re.fullmatch(r"d[0-9a-f]{11}", seed.id)
    assert seed.id == "d" + seed.content_hash[:11]


def test_seed_report_body_has_the_report_and_no_page_furniture(seed: Document) -> None:
    body = seed.text
    assert body.startswith("The Taliban took control of a strategic area in the northern province")
    assert "Taliban spokesman Zabihullah Mujahed confirmed" in body
    assert body.rstrip().endswith("threat to our homeland.”")
    for furniture in ("INTERNATIONAL RELATIONS", "NEWSLETTER", "Pin It", "Also read", "0 Comments",
                      "COMMENT", "READ MORE", "RECENTLY", "Share This", "Published on",
                      "Defence Redefined"):
        assert furniture not in body, furniture
    assert seed.title not in body
    assert "\xa0" not in body


def test_seed_report_related_headlines_are_kept_outside_the_body(seed: Document) -> None:
    assert seed.related == (
        "Six more Afghan districts fall into the hands of Taliban – Photos & VIDEO",
        "Tens of thousands flee their homes after Taliban offensive in Helmand, Afghanistan",
    )


# --- plain-text cleaning, generic -------------------------------------------------


def test_a_scraped_page_from_another_site_is_cleaned_the_same_way() -> None:
    page = clean_text_page((FIXTURES / "scraped-page.txt").read_text(encoding="utf-8"))
    assert page.title == "Rebels seize the river town of Karsk after a two-day battle"
    assert page.outlet == "Northern Courier"
    assert page.published == "2025-03-04T18:45"  # "March 4, 2025 | 6:45 PM"
    assert page.related == [
        "Aid convoys halted on the northern highway",
        "Ceasefire talks stall for a third week",
    ]
    paragraphs = page.body.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("Rebel fighters took full control of the river town of Karsk")
    assert paragraphs[-1].endswith("could not be independently verified.")
    for junk in ("WORLD NEWS", "Home >", "By Staff Reporter", "Share this", "Read more",
                 "Advertisement", "Follow us", "Comments", "Leave a Reply", "Subscribe",
                 "Go to top"):
        assert junk not in page.body, junk
    dropped = {name for name, _ in page.dropped}
    assert {"repeated_header", "breadcrumb", "byline", "share", "advertising", "comments",
            "newsletter", "footer"} <= dropped


def test_a_plain_text_file_without_a_page_header_is_all_body() -> None:
    doc = document_from_text(REPORT, origin="note.txt")
    assert doc.title is None and doc.published is None and doc.outlet is None
    assert doc.text == REPORT.strip()


def test_boilerplate_rules_are_named_documented_data() -> None:
    names = [rule.name for rule in BOILERPLATE_RULES]
    assert len(names) == len(set(names))
    assert all(rule.why for rule in BOILERPLATE_RULES)
    cases = {
        "NEWSLETTER SUBSCRIPTION": "newsletter", "0 Comments": "comments", "COMMENT": "comments",
        "Share This": "share", "Pin It on Pinterest": "share", "READ MORE": "navigation",
        "RECENTLY": "navigation", "- Advertisement -": "advertising",
    }
    for line, name in cases.items():
        rule = boilerplate_rule(line)
        assert rule is not None and rule.name == name, line
    # Real sentences are never furniture, even when they start like it.
    assert boilerplate_rule("Share prices fell in Kabul after the city was surrounded.") is None
    assert boilerplate_rule("By noon the Taliban had taken the police headquarters.") is None
    assert boilerplate_rule("By Staff Reporter", in_header=True) is not None


@pytest.mark.parametrize(
    ("line", "headline"),
    [
        ("Also read: Six districts fall", "Six districts fall"),
        ("READ MORE: Aid convoys halted", "Aid convoys halted"),
        ("Related: Talks stall", "Talks stall"),
        ("See also – Floods in the east", "Floods in the east"),
        ("He said he would read more reports before deciding.", None),
        ("READ MORE", None),
    ],
)
def test_related_headline_lines(line: str, headline: str | None) -> None:
    assert related_headline(line) == headline


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Published on 22/06/2021 at 08:18", "2021-06-22T08:18"),
        ("2021-06-22", "2021-06-22"),
        ("2021-06-22T08:18:00+04:30", "2021-06-22T08:18"),
        ("June 22, 2021", "2021-06-22"),
        ("Jun. 22nd 2021", "2021-06-22"),
        ("22 June 2021", "2021-06-22"),
        ("Wed 11th August 2021 | 12:35 PM", "2021-08-11T12:35"),
        ("Wednesday, 23 June 2021 - 07:59", "2021-06-23T07:59"),
        ("Monday, 25 November 2024, 05:25:43 pm", "2024-11-25T17:25"),
        ("Posted 12:00 AM", None),
        ("05/06/2021", "2021-06-05"),  # day first...
        ("06/22/2021", "2021-06-22"),  # ...unless impossible
        ("22.06.2021 08:18", "2021-06-22T08:18"),
        ("31/02/2021", None),
        ("3/4 of the districts in 2021", None),
        ("May 2021", None),
        ("Tue, 22 Jun 2021 08:18:00 +0000", "2021-06-22T08:18"),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


# --- hashing and language ---------------------------------------------------------------


def test_content_hash_ignores_case_and_whitespace_but_not_words() -> None:
    a = content_hash("The Taliban took  Kunduz.\n\nOfficials said.")
    assert a == content_hash("  the taliban took kunduz. officials   SAID.  ")
    assert a != content_hash("The Taliban took Kabul. Officials said.")


def test_language_is_detected_cheaply() -> None:
    assert detect_language(REPORT) == "en"
    assert detect_language("Талибы заняли город после двух дней боёв, сообщили власти.") is None
    assert detect_language("ok") is None


# --- JSON and JSONL --------------------------------------------------------------------


def record(**fields: object) -> dict:
    base = {"id": "x1", "url": "https://news.example/x1", "published": "2021-07-01",
            "outlet": "news.example", "title": "A title", "text": REPORT}
    base.update(fields)
    return base


def test_jsonl_records_keep_id_text_and_published(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    rows = [record(), record(id="x2", url=None, published=None, title=None, text=REPORT + "More.")]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    first, second = docs(list(read_source(path)))
    assert (first.id, first.published, first.outlet, first.title) == (
        "x1", "2021-07-01", "news.example", "A title")
    assert first.text == REPORT  # kept verbatim: offsets into it stay valid
    assert first.url == "https://news.example/x1"
    assert (second.id, second.published, second.title, second.url) == ("x2", None, None, None)
    assert first.origin == f"{path}:1" and second.origin == f"{path}:2"


def test_json_file_with_one_record_or_a_list(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(json.dumps(record()), encoding="utf-8")
    assert [d.id for d in docs(list(read_source(one)))] == ["x1"]
    many = tmp_path / "many.json"
    many.write_text(json.dumps([record(), record(id="x2", text="nothing"), {"id": "x3"}]),
                    encoding="utf-8")
    items = list(read_source(many))
    assert [d.id for d in docs(items)] == ["x1", "x2"]
    (err,) = errors(items)
    assert str(err) == f"{many}: record 3: record without text"


def test_jsonl_problems_name_the_line_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    lines = [
        json.dumps(record(id="ok1")),
        '{"id": "bad", "text": ',
        json.dumps({"id": "notext", "title": "no text here"}),
        json.dumps([1, 2]),
        json.dumps(record(id="odd-date", published="sometime in June")),
        json.dumps(record(id="ok2", text=REPORT + " Second.", published="June 5, 2021")),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_source(path))
    assert [d.id for d in docs(items)] == ["ok1", "odd-date", "ok2"]
    assert [(e.line, e.message.split(":")[0]) for e in errors(items)] == [
        (2, "malformed JSON line"),
        (3, "record without text"),
        (4, "expected a JSON object, got list"),
    ]
    assert all(str(e).startswith(f"{path}:{e.line}: ") for e in errors(items))
    assert all("\n" not in str(e) for e in errors(items))
    (warn,) = warnings(items)
    assert warn.line == 5 and "unreadable published date" in warn.message
    assert docs(items)[1].published is None
    assert docs(items)[2].published == "2021-06-05"


def test_the_shared_dev_corpus_reads_as_53_documents_with_their_ids(shared: Path) -> None:
    path = shared / "eval" / "dev" / "corpus.jsonl"
    items = list(read_source(path))
    assert not errors(items)
    found = docs(items)
    assert len(found) == 53
    by_id = {d.id: d for d in found}
    assert len(by_id) == 53 and "a004" in by_id
    raw = {json.loads(line)["id"]: json.loads(line) for line in path.open(encoding="utf-8")}
    for doc_id, doc in by_id.items():
        assert doc.text == raw[doc_id]["text"]
        assert doc.published == raw[doc_id]["published"]
        assert doc.outlet == raw[doc_id]["outlet"]


# --- HTML ------------------------------------------------------------------------------


def test_html_file_goes_through_trafilatura() -> None:
    (doc,) = docs(list(read_source(FIXTURES / "web" / "article.html")))
    assert doc.title == "Government forces retake Lower Varna district"
    assert doc.outlet == "Frontier Tribune"
    assert doc.published == "2025-04-11T09:30"
    assert doc.text.startswith("Government forces recaptured the centre of Lower Varna district")
    assert "denied that the district had been lost" in doc.text
    assert doc.related == ("Flooding cuts the only road to the eastern valleys",)
    for junk in ("Home", "Sport", "Most read", "Share This", "Copyright", "Also read"):
        assert junk not in doc.text


def test_html_without_an_article_body_is_an_error() -> None:
    path = FIXTURES / "web" / "no-body.html"
    assert [str(e) for e in list(read_source(path))] == [f"{path}: HTML without an article body"]


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n\t \n", "empty file"),
        ("empty.jsonl", b"\n\n", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
         "binary file, not text"),
        ("report.pdf", b"%PDF-1.4 whatever", "unknown file type '.pdf'"),
        ("README", REPORT.encode(), "unknown file type '(none)'"),
        ("bad.json", b'{"id": "a", "text": }', "invalid JSON"),
        ("notext.json", b'{"id": "a", "title": "t"}', "record without text"),
        ("list.json", b"[]", "empty JSON list"),
        ("short.txt", b"Taliban take town.", "no body text found"),
    ],
)
def test_bad_files_give_one_line_errors_naming_the_file(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    items = list(read_source(path))
    assert not docs(items)
    (err,) = errors(items)
    assert err.source == str(path)
    assert message in err.message
    assert "\n" not in str(err)


def test_files_over_the_size_cap_are_refused_and_the_cap_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(REPORT * 50, encoding="utf-8")
    (err,) = list(read_source(path, max_bytes=1024))
    assert isinstance(err, SourceError) and "is 11.6 kB, over the 1 kB size cap" in err.message
    assert docs(list(read_source(path, max_bytes=DEFAULT_MAX_BYTES)))


def test_an_over_long_jsonl_line_is_refused_and_the_next_line_read(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    long = json.dumps(record(id="long", text=REPORT * 100))
    short = json.dumps(record(id="short"))
    path.write_text(long + "\n" + short + "\n", encoding="utf-8")
    items = list(read_source(path, max_bytes=4096))
    assert [d.id for d in docs(items)] == ["short"]
    (err,) = errors(items)
    assert err.line == 1 and "size cap" in err.message


def test_invalid_utf8_is_replaced_with_a_warning_and_still_read(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(("Caf\xe9 owners in Aldmoor said: " + REPORT).encode("latin-1"))
    items = list(read_source(path))
    (warn,) = warnings(items)
    assert warn.source == str(path) and "invalid UTF-8" in warn.message
    (doc,) = docs(items)
    assert doc.text.startswith("Caf\ufffd owners")
    jsonl = tmp_path / "latin1.jsonl"
    jsonl.write_bytes(json.dumps(record()).encode() + b"\n"
                      + json.dumps(record(id="y", text="\udce9" + REPORT),
                                   ensure_ascii=False).encode("utf-8", "surrogateescape") + b"\n")
    items = list(read_source(jsonl))
    assert [d.id for d in docs(items)] == ["x1", "y"]
    assert [w.line for w in warnings(items)] == [2]


def test_utf8_bom_and_utf16_files_are_read(tmp_path: Path) -> None:
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + REPORT.encode("utf-8"))
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(REPORT.encode("utf-16"))
    for path in (bom, utf16):
        items = list(read_source(path))
        assert not errors(items) and not warnings(items), path
        assert docs(items)[0].text == REPORT.strip()


# --- directories --------------------------------------------------------------------------


def test_directories_are_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    root = tmp_path / "reports"
    (root / "b" / "deeper").mkdir(parents=True)
    (root / "a").mkdir()
    (root / ".git").mkdir()
    (root / "b" / "deeper" / "one.txt").write_text(REPORT + "One.", encoding="utf-8")
    (root / "a" / "two.txt").write_text(REPORT + "Two.", encoding="utf-8")
    (root / "three.jsonl").write_text(json.dumps(record(id="j3")) + "\n", encoding="utf-8")
    (root / ".git" / "config.txt").write_text(REPORT + "Hidden.", encoding="utf-8")
    (root / "notes.md").write_text("# notes", encoding="utf-8")
    items = list(read_source(root))
    assert [d.origin for d in docs(items)] == [
        str(root / "a" / "two.txt"),
        str(root / "b" / "deeper" / "one.txt"),
        f"{root / 'three.jsonl'}:1",
    ]
    (warn,) = warnings(items)
    assert warn.source == str(root / "notes.md") and "unknown file type" in warn.message
    assert not errors(items)


def test_a_missing_file_is_an_error_not_an_exception(tmp_path: Path) -> None:
    (err,) = list(read_file(tmp_path / "nope.txt"))
    assert isinstance(err, SourceError) and err.message == "no such file or directory"


def test_problems_print_on_one_line_whatever_the_message() -> None:
    problem = SourceError("corpus.jsonl", "bad thing\nwith details\n", 7)
    assert str(problem) == "corpus.jsonl:7: bad thing with details"
    assert str(SourceWarning("a.txt", "repaired")) == "a.txt: repaired"


# --- properties ------------------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%B %d, %Y", "%d %B %Y", "%a %d %b %Y", "%d.%m.%Y")


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)),
       fmt=st.sampled_from(DATE_FORMATS),
       hour=st.integers(0, 23), minute=st.integers(0, 59), with_time=st.booleans())
def test_any_date_written_in_a_common_form_reads_back(
    day: date, fmt: str, hour: int, minute: int, with_time: bool
) -> None:
    text = "Published " + day.strftime(fmt)
    expected = day.isoformat()
    if with_time:
        text += f" at {hour:02d}:{minute:02d}"
        expected += f"T{hour:02d}:{minute:02d}"
    assert parse_date(text) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([" ", "  ", "\n", "\t", "\n\n"]), min_size=1, max_size=40))
def test_the_content_hash_survives_any_whitespace_changes(gaps: list[str]) -> None:
    words = REPORT.split()
    spaced = "".join(w + gaps[i % len(gaps)] for i, w in enumerate(words))
    assert content_hash(spaced) == content_hash(REPORT)


def test_hard_wrapped_paragraphs_are_joined_not_taken_for_headers() -> None:
    from frontlines.sources.documents import clean_text_page

    page = clean_text_page(
        "Fighting in the north\n\n"
        "Government troops withdrew from the centre of Kohistan district late on\n"
        "Friday, a provincial council member told reporters by telephone.\n"
    )
    assert page.body.startswith("Government troops withdrew from the centre of Kohistan district late on Friday")
    assert page.title == "Fighting in the north"


# --- untrusted text: control characters, field types ------------------------------------------


def test_control_characters_are_replaced_by_spaces_keeping_offsets(tmp_path: Path) -> None:
    """ESC/OSC sequences in a report must never reach a terminal; offsets stay valid."""
    hostile = ("Rebel fighters \x1b[2J\x1b]0;pwned\x07took the town\x9b31m of Aldmoor on Friday, "
               "a spokesman said.\r\n\tA second line\x00 follows here with more words.")
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(record(
        text=hostile, title="Title \x1b]52;c;Y2xpcA==\x07 here", outlet="Out\x1blet",
        related=["Also \x1b[31mred"])) + "\n", encoding="utf-8")
    (doc,) = docs(list(read_source(path)))
    assert len(doc.text) == len(hostile)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", doc.text)
    assert "\t" in doc.text and "\n" in doc.text  # tab and newline are kept
    start = hostile.index("took the town")
    assert doc.text[start:start + len("took the town")] == "took the town"
    for value in (doc.title, doc.outlet, *doc.related):
        assert value is not None and "\x1b" not in value and "\x07" not in value
    assert doc.title == "Title  ]52;c;Y2xpcA==  here"


def test_a_control_character_in_a_scraped_page_never_reaches_the_body() -> None:
    page = "Aldmoor falls\n\n" + REPORT.replace("night", "ni\x1b[8mght")
    doc = document_from_text(page, origin="page.txt")
    assert "\x1b" not in doc.text and "ni [8mght" in doc.text


def test_an_id_with_control_characters_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(record(id="x\x1b[2J")) + "\n", encoding="utf-8")
    (err,) = errors(list(read_source(path)))
    assert err.line == 1 and err.message == "field 'id' contains control characters"


@pytest.mark.parametrize(("related", "message"), [
    ("Also read this", "field 'related' must be a list of strings, not a string"),
    (["ok", 3], "field 'related' must be a list of strings, not a list with non-string items"),
    ({"a": 1}, "field 'related' must be a list of strings, not an object"),
])
def test_related_must_be_a_list_of_strings(tmp_path: Path, related: object, message: str) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(record(related=related)) + "\n"
                    + json.dumps(record(id="x2", related=["One", "Two"], text=REPORT + " Two.")) + "\n",
                    encoding="utf-8")
    items = list(read_source(path))
    (err,) = errors(items)
    assert (err.line, err.message) == (1, message)
    (doc,) = docs(items)
    assert doc.related == ("One", "Two")  # never split into characters


def test_make_document_refuses_a_string_for_related() -> None:
    from frontlines.sources.documents import InputError, make_document

    with pytest.raises(InputError, match="list of strings"):
        make_document(REPORT, origin="x", related="Also read")
    assert make_document(REPORT, origin="x", related=("A", "B")).related == ("A", "B")
