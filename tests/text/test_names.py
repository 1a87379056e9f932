"""People's names: what describes a name split from it, names told from descriptions, the
person key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.text.names import _human_split, _split, is_name_like, parse_person, person_key


def test_titles_offices_ages_and_descriptors_go_to_the_role():
    cases = {
        "FBI Director James Comey": ("FBI Director", "James Comey"),
        "President-elect Donald Trump": ("President-elect", "Donald Trump"),
        "Red Bull boss Christian Horner": ("Red Bull boss", "Christian Horner"),
        "Five-year-old Zhao Zicong": ("Five-year-old", "Zhao Zicong"),
        "63-year-old Robert Huxley": ("63-year-old", "Robert Huxley"),
        "Russian President Vladimir Putin": ("Russian President", "Vladimir Putin"),
        "North Korean Supreme Leader Kim Jong-un": ("North Korean Supreme Leader", "Kim Jong-un"),
        "Robert Huxley, 63": ("63", "Robert Huxley"),
        "Brazilian Felipe Massa": ("Brazilian", "Felipe Massa"),
    }
    for written, (role, bare) in cases.items():
        parsed = parse_person(written)
        assert (parsed.role, parsed.bare) == (role, bare), written
        assert is_name_like(written), written


def test_descriptions_are_not_names():
    for text in ("the driver", "tram driver", "male driver", "two people", "five people"):
        assert not is_name_like(text), text
    assert not is_name_like("South Korean analysts")
    assert not is_name_like("Mr. President")
    assert is_name_like("President Obama")
    assert is_name_like("tram driver Alfred Dorris")


def test_the_person_key_keeps_middle_initials_and_the_reduced_key_drops_them():
    assert person_key("FBI Director James B. Comey") == "jamesbcomey"
    assert person_key("James Comey") == "jamescomey"
    assert parse_person("FBI Director James B. Comey").reduced == "jamescomey"
    assert person_key("George H.W. Bush") == person_key("George H. W. Bush") == "georgehwbush"
    assert person_key("Kim Jong-un’s") == person_key("Kim Jong Un") == "kimjongun"
    assert person_key("Mr. Thomas-Greenfield") == "thomasgreenfield"
    assert not parse_person("Mr. Thomas-Greenfield").full


# --- nameparser --------------------------------------------------------------------------------

WORDS = [
    *"Anna Boris Kim Jong Un Yo Barack Obama Michelle Sergei Shoigu Xi Jinping Tom".split(),
    *"O'Neill Jean-Luc Thomas-Greenfield Van Gogh De Al-Assad Bin Jr Ii Mary Ann Abdul".split(),
    *"Smith Dean Earl Prince King Lady Rock Pastor Judge Rev Dr Mr Mrs Ace Arm Ba Md".split(),
]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(WORDS)
        | st.from_regex(r"[A-Z][a-z]{1,7}(-[A-Z][a-z]{1,5})?", fullmatch=True),
        min_size=1,
        max_size=5,
    )
)
def test_the_plain_split_agrees_with_nameparser(words):
    text = " ".join(words)
    assert _split(text) == _human_split(text)


# --- one person, many languages and scripts -----------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        # en, de, fr, ru
        ("Vladimir Putin", "Wladimir Putin", "Vladimir Poutine", "Владимир Путин"),
        ("Russian President Vladimir Putin", "Wladimir Putin", "Владимир Путин"),
        # en, en, de, uk, ru, en
        (
            "Volodymyr Zelensky",
            "Volodymyr Zelenskyy",
            "Wolodymyr Selenskyj",
            "Володимир Зеленський",
            "Volodymyr Zelenskiy",
        ),
        ("Sergei Lavrov", "Sergey Lavrov", "Sergej Lawrow", "Сергей Лавров", "Sergueï Lavrov"),
        ("Yuri Ushakov", "Yuriy Ushakov", "Juri Uschakow", "Юрий Ушаков", "Iouri Ouchakov"),
        ("Dmitry Peskov", "Dmitri Peskov", "Dmitrij Peskow", "Дмитрий Песков"),
        ("Sergei Shoigu", "Sergej Schoigu", "Сергей Шойгу"),
        ("Donald Trump", "Дональд Трамп"),
        ("Steve Witkoff", "Стив Уиткофф"),
        ("Marco Rubio", "Марко Рубио"),
    ],
)
def test_one_persons_name_in_every_language_and_script_has_one_key(spellings):
    keys = {person_key(s) for s in spellings}
    assert len(keys) == 1, {s: person_key(s) for s in spellings}


def test_a_lone_surname_in_another_script_or_spelling_has_the_surnames_key():
    assert person_key("Путин") == person_key("Putin") == person_key("Poutine") == "putin"
    assert person_key("Ушаков") == person_key("Uschakow") == person_key("Ushakov") == "ushakov"
    assert person_key("Лавров") == person_key("Lawrow") == "lavrov"
    assert person_key("Selenskyj") == person_key("Zelenskyy") == person_key("Зеленский")


@pytest.mark.parametrize(
    "one, other",
    [
        ("Vladimir Putin", "Volodymyr Zelensky"),
        ("Vladimir Zelensky", "Volodymyr Zelensky"),  # Vladimir ≠ Volodymyr
        ("Владимир Зеленский", "Володимир Зеленський"),  # ru ≠ uk given name
        ("Wladimir Klitschko", "Vitali Klitschko"),
        ("Marco Rubio", "Steve Witkoff"),
        ("Марко Рубио", "Стив Уиткофф"),
        ("Sergei Lavrov", "Yuri Ushakov"),
        ("Sergej Lawrow", "Juri Uschakow"),
        ("Сергей Лавров", "Юрий Ушаков"),
        ("Michelle Obama", "Barack Obama"),
        ("Мишель Обама", "Барак Обама"),
        ("George W. Bush", "George H. W. Bush"),
        ("Kim Jong Nam", "Kim Yong Nam"),  # two different Kims: j and y stay apart
        ("Kim Jong Un", "Kim Jong Il"),
        ("Simone Weil", "Simone Veil"),  # a "w" becomes "v" only in a transliterated word
        ("Walter White", "Valter White"),
        ("Henry VIII", "Henry VII"),
    ],
)
def test_different_people_keep_different_keys_in_every_script(one, other):
    assert person_key(one) != person_key(other)


@pytest.mark.parametrize(
    "spellings",
    [
        # en, de, fr, ru, uk
        (
            "Vladimir Putin",
            "Wladimir Putin",
            "Vladimir Poutine",
            "Владимир Путин",
            "Володимир Путін",
        ),
        (
            "Volodymyr Zelenskiy",
            "Wolodymyr Selenskyj",
            "Volodymyr Zelensky",
            "Владимир Зеленский",
            "Володимир Зеленський",
        ),
        ("Sergei Lavrov", "Sergej Lawrow", "Sergueï Lavrov", "Сергей Лавров", "Сергій Лавров"),
        ("Serhiy Lavrov", "Serhii Lavrov", "Sergiy Lavrov", "Sergey Lavrov"),
        ("Yuri Ushakov", "Juri Uschakow", "Iouri Ouchakov", "Юрий Ушаков", "Юрій Ушаков"),
        ("Dmitry Peskov", "Dmitri Peskow", "Дмитрий Песков", "Дмитро Пєсков", "Dmytro Peskov"),
        ("Aleksandr Lukashenko", "Alexander Lukashenko", "Олександр Лукашенко"),
        ("Andrei Yermak", "Andriy Yermak", "Andrii Yermak"),
        ("Mikhail Podolyak", "Mykhailo Podolyak", "Михайло Подоляк", "Михаил Подоляк"),
        ("Денис Шмыгаль", "Денис Шмигаль"),
        ("Maria Zakharova", "Мария Захарова", "Марія Захарова"),
    ],
)
def test_one_name_in_its_east_slavic_forms_has_one_key_across(spellings):
    keys = {parse_person(s).across_key for s in spellings}
    assert len(keys) == 1, {s: parse_person(s).across_key for s in spellings}


@pytest.mark.parametrize(
    "one, other",
    [
        ("Volodymyr", "Vladimir"),  # a given name alone: never across
        ("Володимир", "Владимир"),
        ("Serhiy", "Sergei"),
        ("Vladimir Putin", "Volodymyr Zelensky"),
        ("Володимир Путін", "Володимир Зеленський"),
        ("Владимир Зеленский", "Владимир Путин"),
        ("Wladimir Putin", "Wolodymyr Selenskyj"),
        ("Vladimir Poutine", "Volodymyr Zelensky"),
        ("Сергій Лавров", "Юрій Ушаков"),
        ("Sergej Lawrow", "Juri Uschakow"),
        ("Wladimir Klitschko", "Vitali Klitschko"),
        ("Michelle Obama", "Barack Obama"),
        ("Marco Rubio", "Steve Witkoff"),
        ("King Vladimir", "King Volodymyr"),  # a name that keeps its title has only its key
    ],
)
def test_different_people_keep_different_keys_across(one, other):
    assert parse_person(one).across_key != parse_person(other).across_key


def test_the_key_across_leaves_every_other_name_as_its_key():
    for name in ("Donald Trump", "Kim Jong Un", "George W. Bush", "Volodymyr", "Steve Witkoff"):
        assert parse_person(name).across_key == parse_person(name).key
        assert parse_person(name).across == ""
    # the usual key is unchanged: Vladimir and Volodymyr stay two keys
    assert person_key("Volodymyr Zelensky") != person_key("Vladimir Zelensky")


def test_english_keys_keep_their_letters():
    """The variant patterns leave the usual English spellings as they were."""
    assert person_key("James B. Comey") == "jamesbcomey"
    assert person_key("Kim Jong Un") == "kimjongun"
    assert person_key("Steve Witkoff") == "stevewitkoff"
    assert person_key("William Walker") == "williamwalker"
    assert parse_person("Henry VIII").suffix == ""  # a regnal number is a word, as before
