"""Reading sources into Articles, and cleaning the noise real article text carries."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from briefgen.errors import InputError, StrictFailure
from briefgen.ingest.cleaning import clean, guess_title
from briefgen.ingest.inputs import MANIFEST, build_article, load, shown
from briefgen.ingest.metadata import SourceMeta
from briefgen.schemas import Article

EXAMPLE = Path(__file__).resolve().parents[2] / "briefgen" / "examples" / "kim-putin-2023-09"

BODY = (
    "North Korean leader Kim Jong Un will meet Russian President Vladimir Putin in Vladivostok, "
    "officials said on Tuesday, in a summit that Washington has warned against."
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def by_id(articles: list[Article]) -> dict[str, Article]:
    return {a.id: a for a in articles}


def reasons(article: Article) -> list[str]:
    return [r.reason for r in article.removed]


def reasons_of(removed) -> list[str]:
    return [r.reason for r in removed]


# --- the bundled example ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> dict[str, Article]:
    return by_id(load([EXAMPLE]))


def test_example_loads_every_article_in_name_order():
    articles = load([EXAMPLE])
    assert [a.id for a in articles] == [
        "000_deedc7ba026f4e2c",
        "001_207eecc2f0b75a67",
        "002_a068e6ad01634e10",
        "003_58777fc59fe47373",
        "004_8aa3c28ddd8a7821",
    ]
    for article in articles:
        assert article.source == shown(str(EXAMPLE / f"{article.id}.txt"))
        assert len(article.text) > 1000


@pytest.mark.parametrize(
    "noise", ["I cannot reword", "Subscribe", "Written by", "AP Images", "You can also read"]
)
def test_example_noise_is_gone_after_cleaning(example, noise):
    raw = "".join(p.read_text(encoding="utf-8") for p in EXAMPLE.glob("*.txt"))
    assert noise in raw  # the example really carries it
    for article in example.values():
        assert noise not in article.text, article.id


def test_example_refusal_remnants_are_recorded(example):
    article = example["000_deedc7ba026f4e2c"]
    assert [(r.reason, r.text) for r in article.removed] == [
        ("model refusal remnant", "“I cannot reword”"),
        ("model refusal remnant", "“I cannot reword”"),
    ]
    # The text between and around them stays.
    assert "Mr. Putin takes a gamble by fostering a relationship with Mr. Kim" in article.text
    assert article.text.endswith("secluded nations globally.")


def test_example_related_link_is_recorded_and_story_kept(example):
    article = example["003_58777fc59fe47373"]
    assert [(r.reason, r.text) for r in article.removed] == [
        (
            "link to another story",
            "You can also read: Kim Jong Holds Weapon Talks Agenda with the Russian Leader",
        )
    ]
    assert "Both sanctioned governments are poised to negotiate" in article.text


def test_example_004_removals_each_have_their_reason(example):
    article = example["004_8aa3c28ddd8a7821"]
    assert sorted(reasons(article)) == sorted(
        ["subscription advertisement"] + ["byline"] * 3 + ["photo caption or credit"] * 2
    )
    by_reason = {r.reason: r.text for r in article.removed}
    pitch = by_reason["subscription advertisement"]
    assert pitch.startswith("Subscribe to the New American")
    assert "60-Day money back guarantee!" in pitch and pitch.endswith("Cancel anytime.")
    assert "\n\n" not in pitch  # blank lines of the pitch are not kept in the record
    captions = [r.text for r in article.removed if r.reason == "photo caption or credit"]
    assert captions == ["AP Images", "2019 photo of Kim Jong-un and Vladimir Putin"]
    bylines = [r.text for r in article.removed if r.reason == "byline"]
    assert bylines == ["Written by Angeline Tan on September 6, 2023"] * 3


def test_example_004_keeps_story_around_the_noise(example):
    text = example["004_8aa3c28ddd8a7821"].text
    headline = "North Korea's Kim to Meet With Putin: U.S. Intelligence"
    assert text.startswith(f"{headline}\n\nOn September 4, The New York Times reported")
    # The sentence the photo credit and byline interrupted keeps both halves.
    assert "and that it would be" in text
    assert "“appropriate” for North Korea to join China and Russia" in text
    # The last paragraph before the subscription pitch stays; the pitch does not.
    assert text.endswith("“dangerous behavior in the South China Sea.”")
    assert "What's Included?" not in text and "Cancel anytime" not in text
    assert "2019 photo of" not in text


def test_example_004_byline_gives_author_and_date(example):
    article = example["004_8aa3c28ddd8a7821"]
    assert article.author == "Angeline Tan"
    assert article.published == date(2023, 9, 6)
    assert article.outlet == "The New American"  # from the manifest
    assert article.title == "North Korea's Kim to Meet With Putin: U.S. Intelligence"


def test_example_manifest_dates_apply(example):
    published = {aid: a.published for aid, a in example.items()}
    assert published == {
        "000_deedc7ba026f4e2c": date(2023, 9, 5),
        "001_207eecc2f0b75a67": date(2023, 9, 5),
        "002_a068e6ad01634e10": date(2023, 9, 12),
        "003_58777fc59fe47373": date(2023, 9, 12),
        "004_8aa3c28ddd8a7821": date(2023, 9, 6),
    }
    # Nothing but 004 names an outlet or an author.
    assert {aid for aid, a in example.items() if a.outlet or a.author} == {"004_8aa3c28ddd8a7821"}


def test_example_markdown_links_and_emphasis_become_plain_text(example):
    text = example["004_8aa3c28ddd8a7821"].text
    assert "On September 4, The New York Times reported, citing sources" in text
    assert "during the Eastern Economic Forum from September 10 to 13" in text
    assert "Russian news agency TASS" in text and "Matsegora, hitherto told Russian" in text
    for leftover in ("](#)", "[reported]", "*The New York Times*", "[Eastern"):
        assert leftover not in text
    # Brackets that are not a link stay.
    assert "the DPRK [Democratic People’s Republic of Korea] continues" in text


def test_example_titles(example):
    assert example["001_207eecc2f0b75a67"].title == (
        "North Korea might supply weapons to Russia for Ukraine: US"
    )
    assert example["002_a068e6ad01634e10"].title == (
        "The Russian and North Korean leaders are set to meet. Why, and why now?"
    )
    # 003 opens with a long paragraph, not a headline.
    assert example["003_58777fc59fe47373"].title is None


def test_example_articles_without_noise_record_nothing(example):
    assert example["001_207eecc2f0b75a67"].removed == []
    assert example["002_a068e6ad01634e10"].removed == []


def test_example_cleaned_text_has_no_runs_of_blank_lines(example):
    for article in example.values():
        assert "\n\n\n" not in article.text
        assert article.text == article.text.strip()


# --- clean() -----------------------------------------------------------------------------------


def test_clean_normalises_line_endings():
    cleaned, removed, _ = clean("Headline here\r\nFirst line.\rSecond line.\r\n")
    assert cleaned == "Headline here\nFirst line.\nSecond line."
    assert removed == []


def test_clean_markdown_link_keeps_text_drops_target():
    cleaned, _, _ = clean("Officials [said](https://example.com/a?b=1) so. See [the report](#).")
    assert cleaned == "Officials said so. See the report."


def test_clean_emphasis_but_not_arithmetic_stars_inside_words():
    cleaned, _, _ = clean("The *Times* reported it; rating 4*5 stays and a*b*c too.")
    assert cleaned == "The Times reported it; rating 4*5 stays and a*b*c too."


@pytest.mark.parametrize(
    "line",
    [
        "I cannot reword this article.",
        "“I cannot rephrase”",
        "I can’t rewrite that text, sorry.",
        "I can't help with that.",
        "I'm sorry, but I can't do that.",
        "As an AI language model, I cannot comply.",
        "i cannot fulfil this request",
    ],
)
def test_clean_refusal_remnants(line):
    cleaned, removed, _ = clean(f"{BODY}\n{line}\n{BODY}")
    assert cleaned == f"{BODY}\n{BODY}"
    assert [(r.reason, r.text) for r in removed] == [("model refusal remnant", line)]


def test_clean_long_paragraph_starting_like_a_refusal_is_kept():
    line = "I cannot help but notice " + "that the summit matters a great deal " * 6
    assert len(line) >= 200
    cleaned, removed, _ = clean(f"{BODY}\n{line}")
    assert line.strip() in cleaned
    assert removed == []


def test_clean_byline_gives_author_and_date():
    cleaned, removed, meta = clean(f"Written by Jane Roe on March 3, 2024\n\n{BODY}")
    assert cleaned == BODY
    assert [(r.reason, r.text) for r in removed] == [
        ("byline", "Written by Jane Roe on March 3, 2024")
    ]
    assert meta.author == "Jane Roe"
    assert meta.published == date(2024, 3, 3)


def test_clean_byline_without_date():
    _, removed, meta = clean(f"By JANE ROE and John Doe\n{BODY}")
    assert reasons_of(removed) == ["byline"]
    assert meta.author == "JANE ROE and John Doe"
    assert meta.published is None


def test_clean_first_byline_wins():
    text = f"By Jane Roe\n{BODY}\nWritten by John Doe on March 3, 2024\n{BODY}"
    cleaned, removed, meta = clean(text)
    assert reasons_of(removed) == ["byline", "byline"]
    assert meta.author == "Jane Roe"
    assert "John Doe" not in cleaned


def test_clean_byline_with_unparseable_date_keeps_author_only():
    _, _, meta = clean(f"Written by Jane Roe on February 30, 2024\n{BODY}")
    assert meta.author == "Jane Roe"
    assert meta.published is None


@pytest.mark.parametrize(
    "line",
    [
        "By Tuesday, Kim had arrived in Vladivostok.",
        "By the end of the week, both sides had agreed to talk again.",
        "By 2030, Pyongyang hopes to launch a dozen satellites.",
        "By contrast, Moscow said nothing.",
    ],
)
def test_clean_sentence_starting_with_by_is_article_text(line):
    cleaned, removed, meta = clean(f"{BODY}\n{line}\n{BODY}")
    assert line in cleaned
    assert removed == []
    assert meta.author is None


@pytest.mark.parametrize(
    "line",
    [
        "AP Images",
        "Getty Images",
        "Reuters",
        "AFP Photo",
        "2019 photo of Kim Jong-un and Vladimir Putin",
        "Photo: Kim Jong Un waves from his train",
        "Image | Reuters",
        "Pictured: the Vostochny Cosmodrome",
    ],
)
def test_clean_photo_credits_and_captions(line):
    cleaned, removed, _ = clean(f"{BODY}\n{line}\n{BODY}")
    assert cleaned == f"{BODY}\n{BODY}"
    assert [(r.reason, r.text) for r in removed] == [("photo caption or credit", line)]


def test_clean_sentence_naming_an_agency_is_kept():
    line = "AP Images show the train arriving at the border station on Tuesday."
    cleaned, removed, _ = clean(f"{BODY}\n{line}")
    assert line in cleaned and removed == []


@pytest.mark.parametrize(
    "line",
    ["You can also read: Other story", "Read more: Another", "Also read : X", "See also: Y"],
)
def test_clean_related_story_links(line):
    cleaned, removed, _ = clean(f"{BODY}\n{line}\n{BODY}")
    assert cleaned == f"{BODY}\n{BODY}"
    assert [(r.reason, r.text) for r in removed] == [("link to another story", line)]


def test_clean_related_without_colon_is_text():
    line = "Read more about the summit in our live coverage on Wednesday morning"
    cleaned, removed, _ = clean(f"{BODY}\n{line}")
    assert line in cleaned and removed == []


def test_clean_subscription_pitch_at_the_end_is_cut_to_the_end():
    story = "\n".join(f"Paragraph {i} of the story." for i in range(1, 10))
    pitch = "Subscribe now for full access\n\nOnly $1 a week!\nCancel anytime."
    cleaned, removed, _ = clean(f"{story}\n{pitch}")
    assert cleaned == story
    pitch_lines = "Subscribe now for full access\nOnly $1 a week!\nCancel anytime."
    assert [(r.reason, r.text) for r in removed] == [("subscription advertisement", pitch_lines)]


def test_clean_subscribe_line_early_in_the_story_is_kept():
    story = "\n".join(f"Paragraph {i} of the story." for i in range(1, 10))
    text = f"Subscribe to our newsletter for daily updates\n{story}"
    cleaned, removed, _ = clean(text)
    assert cleaned == text
    assert removed == []


def test_clean_collapses_blank_runs_and_trims():
    cleaned, _, _ = clean(f"\n\n\n{BODY}   \n\n\n\n\n{BODY}\n\n\n")
    assert cleaned == f"{BODY}\n\n{BODY}"


# --- guess_title() -------------------------------------------------------------------------------


def test_guess_title_takes_a_short_first_line_followed_by_text():
    assert guess_title(f"  Kim to meet Putin  \n{BODY}") == "Kim to meet Putin"


@pytest.mark.parametrize(
    "text",
    [
        BODY,  # one line only
        f"Short\n{BODY}",  # under 10 characters
        f"{'x' * 151}\n{BODY}",  # too long for a headline
        "Kim to meet Putin\n   \n",  # nothing follows
    ],
)
def test_guess_title_declines(text):
    assert guess_title(text) is None


def test_guess_title_bounds_are_inclusive():
    assert guess_title(f"{'x' * 10}\nmore") == "x" * 10
    assert guess_title(f"{'x' * 150}\nmore") == "x" * 150


# --- build_article() -------------------------------------------------------------------------


def test_build_article_metadata_precedence():
    text = f"Written by Byline Author on March 3, 2024\nA headline for it\n{BODY}"
    first = SourceMeta(title="Manifest title", author=None, published=date(2024, 1, 1))
    second = SourceMeta(title="File title", author="File Author", outlet="File Outlet")
    article = build_article(text, "x.txt", "fallback", first, second)
    assert article.id == "fallback"
    assert article.title == "Manifest title"
    assert article.author == "File Author"  # byline comes last
    assert article.outlet == "File Outlet"
    assert article.published == date(2024, 1, 1)
    assert article.source == "x.txt"


def test_build_article_falls_back_to_byline_and_guessed_title():
    article = build_article(
        f"Written by Jane Roe on March 3, 2024\nA headline for it\n{BODY}", "x.txt", "fb"
    )
    assert (article.author, article.published) == ("Jane Roe", date(2024, 3, 3))
    assert article.title == "A headline for it"


@pytest.mark.parametrize("furniture", ["Live updates,", "News / World", "Home > World > Asia"])
def test_a_furniture_title_gives_way_to_the_first_headline_like_line(furniture):
    text = f"Kim and Putin meet at the cosmodrome\n{BODY}"
    article = build_article(text, "x.html", "fb", SourceMeta(title=furniture))
    assert article.title == "Kim and Putin meet at the cosmodrome"
    assert article.title_guessed


def test_a_headline_with_its_outlet_is_kept_as_given():
    title = "Kim to meet Putin | Reuters"
    article = build_article(
        f"First line of the story here\n{BODY}", "x", "fb", SourceMeta(title=title)
    )
    assert (article.title, article.title_guessed) == (title, False)


def test_build_article_url_becomes_source():
    article = build_article(BODY, "x.json:1", "fb", SourceMeta(url="https://example.com/a"))
    assert article.source == "https://example.com/a"


@pytest.mark.parametrize("text", ["", "   \n\n", "AP Images\nI cannot reword\nBy Jane Roe"])
def test_build_article_without_text_is_an_input_error(text):
    with pytest.raises(InputError, match=r"^where: no article text$"):
        build_article(text, "where", "fb")


# --- load(): files and folders ---------------------------------------------------------------


def test_load_requires_sources():
    with pytest.raises(InputError, match="no articles given"):
        load([])


def test_load_missing_path(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(InputError, match="no such file or directory") as info:
        load([missing])
    assert str(missing) in str(info.value)


def test_load_text_file(tmp_path):
    path = write(tmp_path / "story.md", f"Kim to meet Putin\n\n{BODY}\n")
    [article] = load([path])
    assert article.id == "story"
    assert article.title == "Kim to meet Putin"
    assert article.text == f"Kim to meet Putin\n\n{BODY}"
    assert article.source == shown(str(path)) == path.name  # never an absolute path
    assert article.published is None and article.outlet is None


def test_load_accepts_str_paths(tmp_path):
    path = write(tmp_path / "story.txt", BODY)
    assert load([str(path)])[0].text == BODY


def test_load_empty_file_is_an_input_error(tmp_path):
    path = write(tmp_path / "empty.txt", "\n \n")
    with pytest.raises(InputError, match=r"empty\.txt: no article text"):
        load([path])


def test_load_folder_picks_article_files_only_in_name_order(tmp_path):
    write(tmp_path / "b.txt", f"B story\n{BODY}")
    write(tmp_path / "a.md", f"A story\n{BODY}")
    write(tmp_path / "c.TXT", f"C story\n{BODY}")
    write(tmp_path / ".hidden.txt", f"Hidden\n{BODY}")
    write(tmp_path / "notes.pdf", "not an article")
    write(tmp_path / "readme.rst", "not an article")
    write(tmp_path / MANIFEST, json.dumps({"articles": {}}))
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "nested.txt", f"Nested\n{BODY}")
    assert [a.id for a in load([tmp_path])] == ["a", "b", "c"]


def test_load_folder_without_article_files(tmp_path):
    write(tmp_path / "notes.pdf", "x")
    write(tmp_path / MANIFEST, json.dumps({"articles": {}}))
    with pytest.raises(InputError, match="no article files"):
        load([tmp_path])


def test_load_keeps_source_order_across_arguments(tmp_path):
    a = write(tmp_path / "z.txt", BODY)
    b = write(tmp_path / "a.txt", BODY + " Another.")
    assert [x.id for x in load([a, b])] == ["z", "a"]


def test_load_non_utf8_file_is_decoded(tmp_path):
    text = (
        "Kim to meet Putin\n"
        "The North Korean leader’s train reached the border on Tuesday — officials said the "
        "summit would be “frank and open” and that Kim’s delegation was large."
    )
    path = tmp_path / "cp1252.txt"
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    [article] = load([path])
    assert article.text == text
    assert article.title == "Kim to meet Putin"


def test_load_utf8_bom_does_not_leak_into_text_or_title(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(
        ("Written by Jane Roe on March 3, 2024\nKim to meet Putin\n" + BODY).encode("utf-8-sig")
    )
    [article] = load([path])
    assert "\ufeff" not in article.text
    assert article.author == "Jane Roe"  # the byline on the first line is still found
    assert article.title == "Kim to meet Putin"


# --- load(): stdin ---------------------------------------------------------------------------


def test_load_stdin():
    [article] = load(["-"], stdin=io.StringIO(f"Kim to meet Putin\n{BODY}\nAP Images\n"))
    assert article.id == "stdin"
    assert article.source == "-"
    assert article.title == "Kim to meet Putin"
    assert [(r.reason, r.text) for r in article.removed] == [
        ("photo caption or credit", "AP Images")
    ]


def test_load_empty_stdin_is_an_input_error():
    with pytest.raises(InputError, match=r"^-: no article text$"):
        load(["-"], stdin=io.StringIO(""))


# --- load(): JSON and JSONL ------------------------------------------------------------------


def test_load_json_object(tmp_path):
    record = {
        "id": "kim-1",
        "title": "Kim to meet Putin",
        "outlet": "Example News",
        "author": "Jane Roe",
        "published": "2023-09-05",
        "url": "https://example.com/kim",
        "text": f"{BODY}\nAP Images",
    }
    path = write(tmp_path / "one.json", json.dumps(record))
    [article] = load([path])
    assert article.id == "kim-1"
    assert article.title == "Kim to meet Putin"
    assert article.outlet == "Example News"
    assert article.author == "Jane Roe"
    assert article.published == date(2023, 9, 5)
    assert article.source == "https://example.com/kim"
    assert article.text == BODY
    assert reasons(article) == ["photo caption or credit"]


def test_load_json_list_numbers_records_without_ids(tmp_path):
    path = write(tmp_path / "many.json", json.dumps([{"text": BODY}, {"text": BODY + " Again."}]))
    articles = load([path])
    assert [a.id for a in articles] == ["many-1", "many-2"]
    assert [a.source for a in articles] == ["many.json:1", "many.json:2"]
    assert articles[1].text.endswith("Again.")


def test_load_jsonl_skips_blank_lines_and_numbers_by_line(tmp_path):
    lines = [json.dumps({"text": BODY}), "", "   ", json.dumps({"text": BODY + " Two.", "id": "x"})]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    articles = load([path])
    assert [a.id for a in articles] == ["feed-1", "x"]
    assert articles[1].source == f"{path.name}:4"


def test_load_jsonl_with_crlf_and_raw_line_separators_in_text(tmp_path):
    text = "Kim met Putin.\u2028Second line\u0085with a NEL,\x0cand a form feed in the story."
    records = [json.dumps({"text": text}, ensure_ascii=False), json.dumps({"text": BODY})]
    path = tmp_path / "feed.jsonl"
    path.write_bytes("\r\n".join(records).encode("utf-8"))
    articles = load([path])
    assert [a.id for a in articles] == ["feed-1", "feed-2"]
    assert "Second line" in articles[0].text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.json", "{not json", r"bad.json: not JSON \(.* at line 1\)"),
        ("bad.jsonl", '{"text": "ok text here"}\n{oops}\n', r"bad.jsonl:2: not JSON"),
        ("bad.json", json.dumps({"title": "no text"}), r"bad.json:1: text: Field required"),
        ("bad.json", json.dumps([{"text": "a"}, {"text": 5}]), r"bad.json:2: text: "),
        ("bad.json", json.dumps({"text": BODY, "body": "x"}), r"bad.json:1: body: Extra"),
        ("bad.json", json.dumps(["just a string"]), r"bad.json:1: top level"),
        ("bad.json", json.dumps({"text": "  "}), r"bad.json:1: no article text"),
        ("empty.json", "[]", r"empty.json: no articles in it"),
        ("empty.jsonl", "\n\n", r"empty.jsonl: no articles in it"),
    ],
)
def test_load_bad_json_is_an_input_error(tmp_path, name, content, message):
    path = write(tmp_path / name, content)
    with pytest.raises(InputError, match=message):
        load([path])


def test_read_keeps_the_good_records_and_names_each_bad_one(tmp_path):
    from briefgen.ingest.inputs import read
    from briefgen.schemas import Unreadable

    lines = [
        json.dumps({"id": "a", "text": BODY}),
        "{broken",
        json.dumps({"id": "c", "title": "no text"}),
        json.dumps({"id": "d", "text": BODY + " Four."}),
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines))
    found = read([path])
    assert [(type(x).__name__, x.id) for x in found] == [
        ("Article", "a"),
        ("Unreadable", "feed-2"),
        ("Unreadable", "feed-3"),
        ("Article", "d"),
    ]
    assert [x.reason for x in found if isinstance(x, Unreadable)] == [
        "feed.jsonl:2: not JSON (Expecting property name enclosed in double quotes)",
        "feed.jsonl:3: text: Field required",
    ]
    with pytest.raises(StrictFailure, match=r"feed\.jsonl:2: not JSON"):
        read([path], strict=True)


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2016-11-06T14:30:00Z", date(2016, 11, 6)),
        ("2016-11-06T23:30:00-05:00", date(2016, 11, 6)),  # its own zone: not the 7th in UTC
        ("2016-11-06 14:30", date(2016, 11, 6)),
        ("Sun, 06 Nov 2016 14:30:00 GMT", date(2016, 11, 6)),
        ("November 6, 2016", date(2016, 11, 6)),
        ("6 novembre 2016", date(2016, 11, 6)),
        ("2016-11-06", date(2016, 11, 6)),
        ("None", None),
        ("null", None),
        ("", None),
        (None, None),
    ],
)
def test_published_takes_the_forms_real_data_has(tmp_path, published, expected):
    path = write(tmp_path / "a.json", json.dumps({"text": BODY, "published": published}))
    (article,) = load([path])
    assert article.published == expected


@pytest.mark.parametrize("published", ["Tuesday", "sometime soon", "2016-13-45", "yesterday"])
def test_an_unparseable_date_is_missing_with_one_warning_naming_the_record(
    tmp_path, caplog, published
):
    path = write(tmp_path / "a.jsonl", json.dumps({"text": BODY, "published": published}))
    with caplog.at_level("WARNING", logger="briefgen"):
        (article,) = load([path])
    assert article.published is None
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}:1: published {published!r} is not a date; relative dates in it cannot be resolved"
    ]


# --- load(): manifest ------------------------------------------------------------------------


def test_manifest_wins_over_byline_and_gives_missing_fields(tmp_path):
    write(tmp_path / "a.txt", f"Written by Jane Roe on March 3, 2024\nA headline\n{BODY}")
    write(tmp_path / "b.txt", f"Another headline\n{BODY}")
    manifest = {
        "about": "test",
        "articles": {
            "a.txt": {"author": "Manifest Author", "outlet": "Outlet A", "id": "alpha"},
            "b.txt": {"published": "2023-09-05", "title": "Manifest title", "url": "https://b"},
            "missing.txt": {"title": "no such file; ignored"},
        },
    }
    write(tmp_path / MANIFEST, json.dumps(manifest))
    a, b = load([tmp_path])
    assert (a.id, a.author, a.outlet, a.published) == (
        "alpha",
        "Manifest Author",
        "Outlet A",
        date(2024, 3, 3),
    )
    assert (b.id, b.title, b.published, b.source) == (
        "b",
        "Manifest title",
        date(2023, 9, 5),
        "https://b",
    )


def test_manifest_applies_to_a_file_named_directly(tmp_path):
    path = write(tmp_path / "a.txt", BODY)
    write(tmp_path / MANIFEST, json.dumps({"articles": {"a.txt": {"published": "2023-09-05"}}}))
    assert load([path])[0].published == date(2023, 9, 5)


def test_manifest_wins_over_json_record(tmp_path):
    path = write(tmp_path / "r.json", json.dumps({"text": BODY, "outlet": "Record", "author": "R"}))
    write(tmp_path / MANIFEST, json.dumps({"articles": {"r.json": {"outlet": "Manifest"}}}))
    [article] = load([path])
    assert article.outlet == "Manifest"
    assert article.author == "R"


@pytest.mark.parametrize(
    "content",
    [
        "{broken",
        json.dumps({"files": {}}),
    ],
)
def test_invalid_manifest_is_an_input_error(tmp_path, content):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / MANIFEST, content)
    with pytest.raises(InputError, match=r"manifest\.json: not a valid manifest"):
        load([tmp_path])


def test_one_bad_manifest_entry_makes_only_its_file_unreadable(tmp_path):
    from briefgen.ingest.inputs import read
    from briefgen.schemas import Unreadable

    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.txt", "Headline b\n" + BODY + " B.")
    write(
        tmp_path / MANIFEST,
        json.dumps(
            {"articles": {"a.txt": {"publisher": "X"}, "b.txt": {"outlet": "Daily Planet"}}}
        ),
    )
    a, b = read([tmp_path])
    assert isinstance(a, Unreadable)
    # Named as the brief shows files: a folder outside the run's own by file name only.
    assert a.reason.startswith(f"{MANIFEST}: the entry for a.txt is not valid (publisher")
    assert b.outlet == "Daily Planet"


# --- load(): HTML ----------------------------------------------------------------------------

HTML = """<html><head><title>Kim heads to Russia | Example News</title>
<meta property="og:site_name" content="Example News">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2023-09-11T08:00:00Z">
<meta property="og:title" content="Kim heads to Russia">
</head><body><nav>Home | World | Sport</nav>
<article><h1>Kim heads to Russia</h1>
<p>North Korean leader Kim Jong Un left Pyongyang by armored train on Sunday, heading for a
summit with Russian President Vladimir Putin in the Russian Far East.</p>
<p>The two leaders are expected to discuss weapons supplies, officials in Seoul said, while
Washington warned against any arms deal between the two countries.</p>
<p>You can also read: Another story about something else entirely</p>
<p>Analysts said the meeting could take place at the Vostochny Cosmodrome, the country's main
space launch site, rather than in Vladivostok itself.</p>
</article><footer>Copyright 2023 Example News</footer></body></html>"""


def test_load_html_extracts_text_and_metadata(tmp_path):
    path = write(tmp_path / "page.html", HTML)
    [article] = load([path])
    assert article.id == "page"
    assert article.title == "Kim heads to Russia"
    assert article.outlet == "Example News"
    assert article.author == "Jane Roe"
    assert article.published == date(2023, 9, 11)
    assert "left Pyongyang by armored train on Sunday" in article.text
    assert "Vostochny Cosmodrome" in article.text
    for chrome in ("Home | World", "Copyright", "<p>", "You can also read"):
        assert chrome not in article.text
    assert [(r.reason, r.text) for r in article.removed] == [
        ("link to another story", "You can also read: Another story about something else entirely")
    ]


def test_manifest_wins_over_html_metadata(tmp_path):
    write(tmp_path / "page.htm", HTML)
    manifest = {"articles": {"page.htm": {"outlet": "Manifest Outlet", "published": "2023-09-12"}}}
    write(tmp_path / MANIFEST, json.dumps(manifest))
    [article] = load([tmp_path])
    assert article.outlet == "Manifest Outlet"
    assert article.published == date(2023, 9, 12)
    assert article.author == "Jane Roe"


def test_html_without_article_text_is_an_input_error(tmp_path):
    path = write(tmp_path / "empty.html", "<html><head><title>x</title></head><body></body></html>")
    with pytest.raises(InputError, match=r"empty\.html: no article text"):
        load([path])


# --- unique ids --------------------------------------------------------------------------------


def test_same_name_in_two_folders_gets_unique_ids(tmp_path):
    a = write(tmp_path / "one" / "story.txt", BODY)
    b = write(tmp_path / "two" / "story.txt", BODY + " Two.")
    c = write(tmp_path / "three" / "story.txt", BODY + " Three.")
    articles = load([a, b, c])
    assert [x.id for x in articles] == ["story", "story-2", "story-3"]
    assert articles[1].text.endswith("Two.")


def test_the_same_text_twice_is_one_article_with_both_origins(tmp_path):
    path = write(tmp_path / "story.txt", BODY)
    copy = write(tmp_path / "elsewhere" / "copy.txt", BODY)
    (article,) = load([path, path, copy])
    assert (article.id, article.source, article.also) == (
        "story",
        path.name,
        [shown(str(copy))],
    )


def test_same_name_different_text_gets_unique_ids(tmp_path):
    one = write(tmp_path / "a" / "story.txt", BODY)
    two = write(tmp_path / "b" / "story.txt", BODY + " More.")
    assert [a.id for a in load([one, two])] == ["story", "story-2"]


def test_made_up_ids_never_collide_with_given_ones(tmp_path):
    records = [
        {"id": "a", "text": BODY + " 1"},
        {"id": "a", "text": BODY + " 2"},
        {"id": "a-2", "text": BODY + " 3"},
    ]
    path = write(tmp_path / "r.json", json.dumps(records))
    ids = [x.id for x in load([path])]
    assert len(set(ids)) == 3
    assert ids[0] == "a" and ids[2] == "a-2"  # ids as given are kept where possible


def test_made_up_id_for_a_later_duplicate_skips_taken_ids(tmp_path):
    records = [
        {"id": "a-2", "text": BODY + " 1"},
        {"id": "a", "text": BODY + " 2"},
        {"id": "a", "text": BODY + " 3"},
    ]
    path = write(tmp_path / "r.jsonl", "\n".join(json.dumps(r) for r in records))
    assert [x.id for x in load([path])] == ["a-2", "a", "a-3"]


def test_sources_are_shown_relative_to_the_run_and_never_absolute(tmp_path, monkeypatch):
    inside = write(tmp_path / "run" / "in" / "a.txt", BODY)
    outside = write(tmp_path / "elsewhere" / "b.txt", BODY + " B.")
    monkeypatch.chdir(tmp_path / "run")
    assert [a.source for a in load([inside, outside])] == ["in/a.txt", "b.txt"]
    assert shown("https://example.com/x") == "https://example.com/x" and shown("-") == "-"
    assert shown(f"{inside}:7") == "in/a.txt:7"
