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
