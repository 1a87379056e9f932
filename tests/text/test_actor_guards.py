"""What a weak model sends as an actor that is none, in every supported language, and the
names that look like it and stay."""

from __future__ import annotations

import pytest

from briefgen.text.actor_guards import (
    COMMON_WORD,
    FURNITURE,
    SENTENCE,
    is_common_word,
    why_not_an_actor,
)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("According to the Kremlin, Putin will travel.", "According to"),  # en
        ("They said the talks went well.", "They"),
        ("Er sagte, die Gespräche seien gut gelaufen.", "Er"),  # de
        ("Selon le Kremlin, Poutine ira en Alaska.", "Selon"),  # fr
        ("Secondo il Cremlino, Putin andrà in Alaska.", "Secondo"),  # it
        ("Ellos dijeron que las conversaciones fueron bien.", "Ellos"),  # es
        ("Мы готовы к переговорам, сказал Песков.", "Мы"),  # ru
        ("Вони заявили, що переговори пройшли добре.", "Вони"),  # uk
        ("he left before the talks.", "he"),
    ],
)
def test_a_common_word_is_no_actor(text, name):
    assert why_not_an_actor(name, text) == COMMON_WORD


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Theresa May met the press. May said the talks went well.", "May"),  # en
        ("Reporters asked Bill. Bill said nothing.", "Bill"),
        ("Gespräche mit Will Smith. Will sagte nichts.", "Will"),  # de
        ("The US and the WHO replied.", "US"),  # an acronym
        ("The US and the WHO replied.", "WHO"),
        ("Selon Don Quichotte, Don a dit non.", "Don"),  # fr
    ],
)
def test_a_name_that_is_a_common_word_too_is_kept_where_the_article_writes_it_as_a_name(text, name):
    assert not is_common_word(name, text)
    assert why_not_an_actor(name, text) is None


@pytest.mark.parametrize(
    "name",
    [
        "Putin said",  # en
        "Trump told reporters",
        "Peskow sagte",  # de
        "Poutine a déclaré",  # fr
        "Putin ha dichiarato",  # it
        "Putin dijo",  # es
        "Песков заявил",  # ru
        "Пєсков заявив",  # uk
        "Putin will travel to Alaska to meet Trump.",
        "Wird Putin nach Alaska reisen?",
        "The Russian and North Korean leaders are set to meet. Why, and why now?",
        "one two three four five six seven eight nine ten eleven twelve thirteen",
    ],
)
def test_a_sentence_is_no_actor(name):
    assert why_not_an_actor(name, name) == SENTENCE


@pytest.mark.parametrize(
    "name",
    [
        "Democratic People's Republic of Korea",
        "Office of the United Nations High Commissioner for Human Rights",
        "Joint Base Elmendorf-Richardson",
        "Militärbasis Elmendorf-Richardson",
        "base militaire d'Elmendorf-Richardson",
        "Martin Luther King Jr.",
        "U.S.",
        "Acme Inc.",
        "Organisation for the Prohibition of Chemical Weapons",
        "the tram driver",
        "South Korean analysts",
        "Министерство иностранных дел России",
        "Міністерство закордонних справ України",
        "Wladimir Putin",
        "the West",
    ],
)
def test_long_names_and_descriptions_are_no_sentences(name):
    assert why_not_an_actor(name, f"Text about {name} here.") is None


@pytest.mark.parametrize(
    "name",
    [
        "Live updates",
        "Live updates,",
        "Read more",
        "News / World",
        "Home > Politik",
        "Weiterlesen",  # de
        "Lire aussi",  # fr
        "À lire aussi",
        "Leggi anche",  # it
        "Leer más",  # es
        "Читайте также",  # ru
        "Читайте також",  # uk
        "Advertisement",
        "Новости",
    ],
)
def test_the_pages_furniture_is_no_actor(name):
    assert why_not_an_actor(name, f"{name}\nPutin met Trump.") == FURNITURE


@pytest.mark.parametrize("name", ["Europe", "Russia / Ukraine", "BBC News", "Live Nation"])
def test_a_section_that_may_be_an_actor_is_kept_alone_and_names_holding_such_words_too(name):
    assert why_not_an_actor(name, f"{name} said so, as Europe did.") is None
