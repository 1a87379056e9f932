"""Actor resolution: names in every newsroom style, surnames and short forms read per article,
descriptions kept to their article. Both directions: what must merge and what must not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.merge import merge
from briefgen.merge.actors import Mention, PartyNames, body_key, canonical_name, resolve
from briefgen.schemas import Actor, Ask
from briefgen.text.fold import fold
from briefgen.text.names import is_name_like, parse_person, person_key

from test_merge import ask, person, result


def groups(*actors_by_article: list[Actor], copies: dict[int, int] | None = None) -> set:
    """The actors found, each as a frozenset of 'article:name' mentions."""
    mentions = [Mention(n, a) for n, actors in enumerate(actors_by_article, 1) for a in actors]
    return {
        frozenset(f"{mentions[i].source}:{mentions[i].actor.name}" for i in g)
        for g in resolve(mentions, copies)
    }


def together(found: set, *members: str) -> bool:
    return any(set(members) <= g for g in found)


def org(name: str, *aliases: str) -> Actor:
    return person(name, *aliases, kind="organization")


# --- parsing -----------------------------------------------------------------------------------


def test_a_given_name_after_a_title_keeps_the_title():
    assert parse_person("President Obama").tokens == ("obama",)
    assert parse_person("Mr. Kim").tokens == ("kim",)
    assert parse_person("King Charles").tokens == ("king", "charles")
    assert parse_person("Sir Keir").tokens == ("sir", "keir")
    assert parse_person("Sir Keir Starmer").tokens == ("keir", "starmer")
    found = groups([person("King Charles")], [person("Charles Leclerc")], [person("Charles")])
    assert len(found) == 3  # a lone "Charles" could be either
    assert len(groups([person("Prince Fielder")], [person("Cecil Fielder")])) == 2


def test_dotted_acronyms_fold_for_every_kind():
    assert fold("F.B.I.") == fold("FBI") == "fbi"
    assert fold("U.S.") == fold("US") == "us"
    assert body_key("U.S.", "country") == body_key("United States", "country") == "USA"
    assert body_key("Britain", "country") == body_key("United Kingdom", "country")
    assert body_key("Congo", "country") != body_key("Republic of the Congo", "country")
    found = groups([org("F.B.I.")], [org("FBI")], [person("U.S.", kind="country")])
    assert together(found, "1:F.B.I.", "2:FBI")
    found = groups([person("U.S.", kind="country")], [person("United States", kind="country")])
    assert len(found) == 1
    for other, english in [
        ("Corea del Nord", "North Korea"),
        ("Stati Uniti", "United States"),
        ("États-Unis", "USA"),
        ("Russie", "Russia"),
        ("Nordkorea", "DPRK"),
    ]:
        assert body_key(other, "country") == body_key(english, "country"), other
    assert body_key("Corea del Sud", "country") != body_key("Corea del Nord", "country")


# --- full names --------------------------------------------------------------------------------


def test_titled_aged_and_described_names_join_the_plain_name():
    pairs = [
        ("FBI Director James Comey", "James Comey"),
        ("President-elect Donald Trump", "Donald Trump"),
        ("Red Bull boss Christian Horner", "Christian Horner"),
        ("Five-year-old Zhao Zicong", "Zhao Zicong"),
        ("63-year-old Robert Huxley", "Robert Huxley"),
        ("Russian President Vladimir Putin", "Vladimir Putin"),
        ("North Korean Supreme Leader Kim Jong-un", "Kim Jong Un"),
    ]
    for described, plain in pairs:
        assert len(groups([person(described)], [person(plain)])) == 1, described


def test_a_middle_initial_is_optional():
    assert (
        len(groups([person("Donald J. Trump")], [person("Donald Trump")], [person("Trump")])) == 1
    )
    assert len(groups([person("James B. Comey")], [person("James Comey")])) == 1
    assert person_key("George H.W. Bush") == person_key("George H. W. Bush")


def test_two_different_middle_initials_are_two_people():
    found = groups([person("George W. Bush")], [person("George H. W. Bush")])
    assert len(found) == 2
    assert len(groups([person("George H. Bush")], [person("George W. Bush")])) == 2


def test_a_name_without_the_initial_is_read_in_its_article_when_both_bushes_are_named():
    found = groups(
        [person("George W. Bush"), person("George Bush", "Bush")],
        [person("George H. W. Bush"), person("George Bush")],
        [person("George Bush")],
    )
    assert together(found, "1:George W. Bush", "1:George Bush")
    assert together(found, "2:George H. W. Bush", "2:George Bush")
    assert not together(found, "1:George W. Bush", "2:George H. W. Bush")
    assert not together(found, "3:George Bush", "1:George W. Bush")
    assert not together(found, "3:George Bush", "2:George H. W. Bush")


def test_different_first_names_never_merge():
    found = groups([person("Barack Obama")], [person("Michelle Obama")])
    assert len(found) == 2
    found = groups([person("Bill Clinton")], [person("Hillary Clinton")])
    assert len(found) == 2
    assert len(groups([person("Mark Smithson")], [person("Mary Smithson")])) == 2
    assert len(groups([person("Donald Trumpet")], [person("Ronald Trumpet")])) == 2


def test_korean_names_and_transliterations_keep_their_rules():
    found = groups([person("Kim Jong Un"), person("Kim Yo Jong")], [person("Kim Jong-un")])
    assert together(found, "1:Kim Jong Un", "2:Kim Jong-un")
    assert not together(found, "1:Kim Yo Jong", "2:Kim Jong-un")
    assert len(groups([person("Sergei Shoigu")], [person("Sergey Shoigu")])) == 1
    assert len(groups([person("Dmitri Peskov")], [person("Dmitry Peskov")])) == 1
    assert len(groups([person("Anna Petrov")], [person("Anna Petrova")])) == 2


def test_a_suffix_tells_father_from_son():
    found = groups([person("Donald Trump Jr.")], [person("Donald J. Trump")], [person("Trump")])
    assert not together(found, "1:Donald Trump Jr.", "2:Donald J. Trump")
    assert len(found) == 3  # "Trump" alone could be either


# --- surnames, per article ---------------------------------------------------------------------


def test_michelle_in_another_article_does_not_detach_obama_from_barack():
    found = groups(
        [person("Barack Obama"), person("President Obama")],
        [person("Obama")],
        [person("Michelle Obama")],
        [person("Barack Obama", role="former president"), person("Obama")],
    )
    assert together(found, "1:Barack Obama", "1:President Obama", "4:Obama", "4:Barack Obama")
    assert not together(found, "3:Michelle Obama", "1:Barack Obama")
    assert not together(found, "2:Obama", "1:Barack Obama")  # the merge names two Obamas
    assert not together(found, "2:Obama", "3:Michelle Obama")


def test_a_surname_is_the_obama_its_own_article_names():
    found = groups(
        [person("Barack Obama"), person("Obama")],
        [person("Michelle Obama"), person("Mrs. Obama")],
    )
    assert together(found, "1:Barack Obama", "1:Obama")
    assert together(found, "2:Michelle Obama", "2:Mrs. Obama")
    assert len(found) == 2


def test_a_surname_in_an_article_naming_two_obamas_joins_neither():
    found = groups(
        [person("Barack Obama"), person("Michelle Obama"), person("Obama")],
    )
    assert len(found) == 3


def test_a_surname_in_an_article_naming_none_joins_the_one_in_the_merge():
    assert len(groups([person("Barack Obama")], [person("President Obama")])) == 1


def test_identical_president_obama_in_two_articles_is_one_actor():
    found = groups(
        [person("President Obama")],
        [person("President Obama")],
    )
    assert len(found) == 1
    # Even when the merge names two Obamas, the two unresolved mentions stay one actor.
    found = groups(
        [person("President Obama")],
        [person("President Obama")],
        [person("Barack Obama"), person("Michelle Obama")],
    )
    assert together(found, "1:President Obama", "2:President Obama")
    assert len(found) == 3


def test_mr_and_mrs_never_join_each_other():
    found = groups([person("Mr. Obama")], [person("Mrs. Obama")], [person("Obama")])
    assert not together(found, "1:Mr. Obama", "2:Mrs. Obama")
    # A "Mrs." never joins a man the article calls "Mr."
    found = groups([person("Bill Clinton", "Mr. Clinton"), person("Mrs. Clinton")])
    assert len(found) == 2


def test_bill_and_hillary_stay_apart_with_surnames_in_each_article():
    found = groups(
        [person("Bill Clinton"), person("Clinton")],
        [person("Hillary Clinton"), person("Clinton")],
        [person("Clinton")],
    )
    assert together(found, "1:Bill Clinton", "1:Clinton")
    assert together(found, "2:Hillary Clinton", "2:Clinton")
    assert not together(found, "1:Bill Clinton", "2:Hillary Clinton")
    assert not together(found, "3:Clinton", "1:Bill Clinton")
    assert not together(found, "3:Clinton", "2:Hillary Clinton")


def test_president_obama_beside_the_first_lady_is_not_michelle():
    first_lady = person("Michelle Obama", role="first lady")
    president = person("President Obama", "Mr. Obama", role="President")
    found = groups([first_lady, president], [person("Barack Obama")])
    assert together(found, "1:President Obama", "2:Barack Obama")
    assert not together(found, "1:Michelle Obama", "1:President Obama")
    assert len(groups([first_lady, person("President Obama", role="President")])) == 2


def test_an_office_title_forbids_a_join_but_never_picks_between_two():
    leader = person("Kim Jong Un", role="North Korean leader")
    assert len(groups([leader], [person("Chairman Kim")])) == 2
    found = groups([leader, person("Kim Yo Jong")], [person("Chairman Kim")])
    assert len(found) == 3
    assert len(groups([leader], [person("Supreme Leader Kim")])) == 1


# --- organisations -----------------------------------------------------------------------------


def test_an_organisations_short_form_joins_its_full_name():
    assert len(groups([org("Chicago Cubs"), org("Cubs")])) == 1  # one article uses both
    assert len(groups([org("Chicago Cubs")], [org("Cubs")])) == 1  # the one completion
    assert len(groups([org("the Chicago Cubs")], [org("Chicago Cubs")])) == 1


def test_an_acronym_joins_the_one_organisation_whose_initials_it_is():
    assert len(groups([org("New York Police Department")], [org("NYPD")])) == 1
    assert len(groups([org("New York Police Department")], [org("N.Y.P.D.")])) == 1
    assert len(groups([org("North Atlantic Treaty Organization")], [org("Nato")])) == 1
    assert len(groups([org("United Nations")], [org("UN")])) == 1
    # two bodies with those initials: the acronym is read in its own article, else joins neither
    found = groups(
        [org("National Rifle Association")],
        [org("Nuclear Regulatory Authority")],
        [org("NRA")],
    )
    assert len(found) == 3
    found = groups(
        [org("National Rifle Association"), org("NRA")], [org("Nuclear Regulatory Authority")]
    )
    assert together(found, "1:National Rifle Association", "1:NRA") and len(found) == 2
    # initials of one word are no acronym; people and countries are not organisations
    assert len(groups([org("Interpol")], [org("I")])) == 2
    assert len(groups([person("Nora Rae Adams")], [org("NRA")])) == 2


def test_a_short_form_with_two_completions_is_read_per_article():
    found = groups(
        [org("Chicago Cubs"), org("Cubs")],
        [org("Boston Cubs"), org("Cubs")],
        [org("Cubs")],
    )
    assert together(found, "1:Chicago Cubs", "1:Cubs")
    assert together(found, "2:Boston Cubs", "2:Cubs")
    assert not together(found, "1:Chicago Cubs", "2:Boston Cubs")
    assert not together(found, "3:Cubs", "1:Chicago Cubs")
    assert not together(found, "3:Cubs", "2:Boston Cubs")


def test_generic_short_forms_complete_nothing():
    assert len(groups([org("White House")], [org("House")])) == 2
    assert len(groups([org("Russian Foreign Ministry")], [org("Foreign Ministry")])) == 2
    assert len(groups([org("UN Security Council")], [org("Security Council")])) == 2


# --- descriptions ------------------------------------------------------------------------------


def test_the_driver_in_two_articles_about_different_events_stays_two():
    found = groups([person("the driver")], [person("the driver")])
    assert len(found) == 2
    found = groups([person("two people")], [person("two people")], [person("five people")])
    assert len(found) == 3


def test_a_description_links_within_its_article_through_the_same_words_or_an_alias():
    found = groups(
        [person("tram driver", "the driver"), person("the driver")],
        [person("Alfred Dorris", "the driver"), person("the driver"), person("male driver")],
    )
    assert together(found, "1:tram driver", "1:the driver")
    assert together(found, "2:Alfred Dorris", "2:the driver")
    assert not together(found, "2:male driver", "2:Alfred Dorris")  # nothing ties them
    assert not together(found, "1:the driver", "2:the driver")


def test_a_description_two_named_actors_share_in_an_article_joins_neither():
    found = groups(
        [person("Joe Biden", "the president"), person("Vladimir Putin", "the president")],
        [person("the president")],
    )
    assert len(found) == 3
    found = groups(
        [
            person("Joe Biden", "the president"),
            person("Vladimir Putin", "the president"),
            person("the president"),
        ]
    )
    assert len(found) == 3


def test_a_reprint_reads_its_descriptions_as_the_original_does():
    found = groups([person("the driver")], [person("the driver")], copies={2: 1})
    assert len(found) == 1


def test_descriptions_never_title_the_brief():
    brief = merge(
        [
            result(n, actors=[person("tram driver", "the driver"), person("the driver")])
            for n in (1, 2, 3)
        ]
    )
    assert brief.title == "News brief: brief from 3 articles"
    named = merge(
        [result(1, actors=[person("the driver"), person("Alfred Dorris", role="tram driver")])]
    )
    assert named.title == "Alfred Dorris: brief from 1 article"


# --- the brief ---------------------------------------------------------------------------------


def test_the_actor_is_shown_by_its_name_with_the_stripped_title_as_a_role():
    brief = merge(
        [
            result(1, actors=[person("FBI Director James Comey")]),
            result(2, actors=[person("James B. Comey", role="director of the FBI")]),
        ]
    )
    [comey] = brief.actors
    assert comey.name == "James B. Comey"
    assert comey.roles == ["FBI Director", "director of the FBI"]
    assert canonical_name([person("Five-year-old Zhao Zicong")]) == "Zhao Zicong"


def test_claims_name_the_obama_their_article_names():
    def asks(who: str) -> list[Ask]:
        return [Ask(asker=who, asked=None, ask="x", certainty="reported", quote="q")]

    brief = merge(
        [
            result(1, actors=[person("Barack Obama")], asks=asks("Obama")),
            result(2, actors=[person("Michelle Obama")], asks=asks("Mrs. Obama")),
            result(
                3, actors=[person("Barack Obama"), person("Michelle Obama")], asks=asks("Obama")
            ),
        ]
    )
    by_source = {a.sources[0]: a.who for a in brief.asks}
    assert by_source == {1: "Barack Obama", 2: "Michelle Obama", 3: "Obama"}
    # The article's own "President Obama" was read as Barack: so is its ask's "Obama".
    biden = person("Joe Biden")  # all three articles tell one story
    brief = merge(
        [
            result(1, actors=[person("Barack Obama"), biden]),
            result(2, actors=[person("President Obama"), biden], asks=asks("Obama")),
            result(3, actors=[person("Michelle Obama", role="first lady"), biden]),
        ]
    )
    assert not brief.stories
    # The merge names two Obamas: the article's "President Obama" stays its own actor, the ask's.
    assert [a.who for a in brief.asks] == ["President Obama"]
    brief = merge(
        [
            result(1, actors=[person("Barack Obama")]),
            result(2, actors=[person("President Obama")], asks=asks("Obama")),
        ]
    )
    assert [a.who for a in brief.asks] == ["Barack Obama"]


def test_party_names_follow_the_article():
    mentions = [
        Mention(1, person("Barack Obama")),
        Mention(2, person("Michelle Obama")),
        Mention(3, person("Kim Jong Un")),
    ]
    found = resolve(mentions)
    names = [canonical_name(mentions[i].actor for i in g) for g in found]
    party = PartyNames(mentions, found, names)
    assert party(1, "President Obama") == "Barack Obama"
    assert party(2, "Mrs. Obama") == "Michelle Obama"
    assert party(3, "Obama") is None  # the merge names two, the article none
    assert party(3, "Mr. Kim") == "Kim Jong Un"
    assert party(1, "Kim Jong-un") == "Kim Jong Un"
    mentions[0] = Mention(1, person("Barack Obama", "Mr. Obama"))
    party = PartyNames(mentions, found, names)
    assert party(3, "Mrs. Obama") == "Michelle Obama"  # not the man the merge calls "Mr."
    assert party(1, "Mrs. Obama") == "Michelle Obama"
    mentions[1] = Mention(2, person("Michelle Obama", role="first lady"))
    party = PartyNames(mentions, found, names)
    assert party(3, "President Obama") is None  # the first lady's roles forbid, Barack is not sure


# --- order -------------------------------------------------------------------------------------

MENTIONS = [
    person("Barack Obama"),
    person("Michelle Obama"),
    person("Michelle Obama", role="first lady"),
    person("Obama"),
    person("President Obama"),
    person("President Obama", "Mr. Obama", role="President"),
    person("Mrs. Obama"),
    person("George W. Bush"),
    person("George H. W. Bush"),
    person("George Bush"),
    person("Bush"),
    person("Donald J. Trump"),
    person("Donald Trump"),
    person("the driver"),
    person("Alfred Dorris", "the driver"),
    org("Chicago Cubs"),
    org("Boston Cubs"),
    org("Cubs"),
]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(MENTIONS), max_size=4), min_size=1, max_size=5),
    st.randoms(use_true_random=False),
)
def test_actor_grouping_does_not_depend_on_article_order(articles, rng):
    def grouped(mentions: list[Mention]) -> set:
        return {
            frozenset((mentions[i].source, mentions[i].actor.name) for i in g)
            for g in resolve(mentions)
        }

    mentions = [Mention(n, a) for n, actors in enumerate(articles) for a in actors]
    shuffled = mentions[:]
    rng.shuffle(shuffled)  # articles and the mentions within them
    assert grouped(mentions) == grouped(shuffled)


PARTIES = [
    *(name for actor in MENTIONS for name in (actor.name, *actor.aliases)),
    *"Obama Bush Cubs Chicago Trump Mr. Trump Mrs. Bush Russia Kremlin Moscow".split(),
    "President Bush", "George W. Bush", "the Cubs", "Boston", "the first lady", "Kim Jong Un",
]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.sampled_from(MENTIONS), max_size=4), min_size=1, max_size=5))
def test_a_party_nothing_in_its_article_answers_to_reads_as_in_any_such_article(articles):
    # PartyNames reads such a name once for the whole merge: the answer must be the one the
    # article's own reading would give.
    mentions = [Mention(n, a) for n, actors in enumerate(articles, 1) for a in actors]
    found = resolve(mentions)
    names = [canonical_name(mentions[i].actor for i in g) for g in found]
    party = PartyNames(mentions, found, names)
    full = PartyNames(mentions, found, names)
    for n in range(1, len(articles) + 2):  # the last names nobody
        for name in PARTIES:
            written = {
                canonical_name(mentions[i].actor for i in g)
                for g in found
                for i in g
                if mentions[i].source == n
                and fold(name) in map(fold, (mentions[i].actor.name, *mentions[i].actor.aliases))
            }
            if written:
                expected = written.pop() if len(written) == 1 else None
            else:
                expected = full._read(n, name) if is_name_like(name) else None
            assert party(n, name) == expected, (n, name)


# --- one person or body across languages and scripts --------------------------------------------


def test_one_person_in_four_languages_is_one_actor():
    found = groups(
        [person("Vladimir Putin"), person("Volodymyr Zelensky")],  # en
        [person("Wladimir Putin"), person("Wolodymyr Selenskyj")],  # de
        [person("Vladimir Poutine"), person("Volodymyr Zelensky")],  # fr
        [person("Владимир Путин"), person("Владимир Зеленский")],  # ru
        [person("Volodymyr Zelenskyy")],  # en, another spelling
    )
    putin = ("1:Vladimir Putin", "2:Wladimir Putin", "3:Vladimir Poutine", "4:Владимир Путин")
    zelensky = ("1:Volodymyr Zelensky", "2:Wolodymyr Selenskyj", "3:Volodymyr Zelensky")
    assert together(found, *putin)
    assert together(found, *zelensky, "5:Volodymyr Zelenskyy")
    assert not together(found, "1:Vladimir Putin", "1:Volodymyr Zelensky")
    # the Russian page's "Владимир Зеленский" is Zelensky's name in Russian: one person
    assert together(found, "4:Владимир Зеленский", "1:Volodymyr Zelensky")
    assert not together(found, "4:Владимир Зеленский", "1:Vladimir Putin")


def test_one_name_in_its_russian_ukrainian_and_belarusian_forms_is_one_actor():
    found = groups(
        [person("Vladimir Putin"), person("Volodymyr Zelenskiy"), person("Sergei Lavrov")],  # en
        [person("Wladimir Putin"), person("Wolodymyr Selenskyj"), person("Sergej Lawrow")],  # de
        [person("Vladimir Poutine"), person("Volodymyr Zelensky"), person("Sergueï Lavrov")],  # fr
        [person("Владимир Путин"), person("Владимир Зеленский"), person("Сергей Лавров")],  # ru
        [person("Володимир Путін"), person("Володимир Зеленський"), person("Сергій Лавров")],  # uk
        [person("Serhiy Lavrov"), person("Yuri Ushakov"), person("Юрій Ушаков")],  # en from uk
    )
    assert len(found) == 4
    assert together(found, "1:Vladimir Putin", "2:Wladimir Putin", "5:Володимир Путін")
    assert together(
        found, "1:Volodymyr Zelenskiy", "4:Владимир Зеленский", "5:Володимир Зеленський"
    )
    assert together(found, "1:Sergei Lavrov", "3:Sergueï Lavrov", "5:Сергій Лавров")
    assert together(found, "4:Сергей Лавров", "6:Serhiy Lavrov")
    assert not together(found, "5:Володимир Путін", "5:Володимир Зеленський")
    assert not together(found, "4:Владимир Зеленский", "4:Владимир Путин")
    assert not together(found, "5:Сергій Лавров", "6:Юрій Ушаков")


@pytest.mark.parametrize(
    "one, other",
    [
        ("Volodymyr", "Vladimir"),  # a given name alone is never joined by its other forms
        ("Володимир", "Владимир"),
        ("Wolodymyr", "Wladimir"),
        ("Володимир Путін", "Volodymyr Zelenskiy"),
        ("Владимир Зеленский", "Vladimir Putin"),
        ("Wladimir Putin", "Wolodymyr Selenskyj"),
        ("Vladimir Poutine", "Volodymyr Zelensky"),
        ("Сергій Лавров", "Юрий Ушаков"),
        ("Sergueï Lavrov", "Iouri Ouchakov"),
        ("Wladimir Klitschko", "Vitali Klitschko"),  # brothers: one surname, two given names
        ("Володимир Кличко", "Віталій Кличко"),
        ("Michelle Obama", "Barack Obama"),
        ("Marco Rubio", "Steve Witkoff"),
        ("Oleksandr Syrskyi", "Oleksii Syrskyi"),  # two given names of one class each
    ],
)
def test_east_slavic_forms_of_a_name_never_join_two_people(one, other):
    assert len(groups([person(one)], [person(other)])) == 2


def test_aides_join_across_languages_and_stay_apart_from_each_other():
    found = groups(
        [person("Sergei Lavrov"), person("Yuri Ushakov"), person("Dmitry Peskov")],  # en
        [person("Sergej Lawrow"), person("Juri Uschakow"), person("Dmitri Peskow")],  # de
        [person("Sergueï Lavrov"), person("Iouri Ouchakov")],  # fr
        [person("Сергей Лавров"), person("Юрий Ушаков"), person("Дмитрий Песков")],  # ru
    )
    assert len(found) == 3
    assert together(found, "1:Sergei Lavrov", "2:Sergej Lawrow", "3:Sergueï Lavrov")
    assert together(found, "1:Yuri Ushakov", "2:Juri Uschakow", "4:Юрий Ушаков")
    assert together(found, "1:Dmitry Peskov", "2:Dmitri Peskow", "4:Дмитрий Песков")


def test_a_lone_surname_in_another_script_joins_the_full_name_its_article_gives():
    found = groups(
        [person("Yuri Ushakov")],
        [person("Юрий Ушаков"), person("Ушаков")],
        [person("Uschakow")],
    )
    assert len(found) == 1


def test_people_apart_stay_apart_in_every_language():
    assert len(groups([person("Marco Rubio")], [person("Стив Уиткофф")])) == 2
    assert len(groups([person("Марко Рубио")], [person("Steve Witkoff")])) == 2
    assert len(groups([person("Marco Rubio")], [person("Марко Рубио")])) == 1
    assert len(groups([person("Sergej Lawrow")], [person("Юрий Ушаков")])) == 2
    assert len(groups([person("Мишель Обама")], [person("Barack Obama")])) == 2
    assert len(groups([person("Michelle Obama")], [person("Барак Обама")])) == 2
    assert len(groups([person("George W. Bush")], [person("George H. W. Bush")])) == 2
    assert len(groups([person("Kim Jong Nam")], [person("Kim Yong Nam")])) == 2
    assert len(groups([person("Kim Jong Un")], [person("Kim Jong Il")])) == 2
    assert len(groups([person("Vladimir Klitschko")], [person("Wladimir Klitschko")])) == 1
    assert len(groups([person("Wladimir Klitschko")], [person("Vitali Klitschko")])) == 2
    assert len(groups([person("Simone Weil")], [person("Simone Veil")])) == 2


def test_bodies_and_countries_join_across_languages():
    nato = groups([org("NATO")], [org("OTAN")], [org("НАТО")])
    assert len(nato) == 1
    russia = groups(
        [person("Russia", kind="country")],
        [person("Россия", kind="country")],
        [person("Russland", kind="country")],
        [person("Moscou", kind="country")],  # the capital as the government: an actor
        [person("Москва", kind="country")],
    )
    assert len(russia) == 1
    assert body_key("Moscou", "country") == body_key("Russie", "country") == "RUS"
    assert body_key("Кремль", "organization") == body_key("Kremlin", "organization")


def test_bodies_apart_stay_apart_and_a_capital_as_an_organisation_stays_itself():
    assert len(groups([org("NATO")], [org("OSCE")])) == 2
    assert len(groups([person("Russia", kind="country")], [person("Ukraine", kind="country")])) == 2
    found = groups([person("Russia", kind="country")], [person("Kyiv", kind="country")])
    assert len(found) == 2
    # only an actor of kind country reads a capital as its country
    assert body_key("Moscow", "organization") == "moscow"


# --- one article's aliases cannot fold other actors into its own -----------------------------


def _honest(n: int) -> object:
    return result(
        n,
        actors=[
            person("Vladimir Putin", "Mr. Putin", role="Russian President"),
            person("Kim Jong-un", "Mr. Kim", role="North Korean leader"),
            person("John Kirby", role="White House spokesman"),
        ],
        asks=[ask("Vladimir Putin", "Kim Jong-un", f"artillery shells, report {n}")],
    )


def _names(brief) -> list[str]:
    return sorted(a.name for a in brief.actors)


def test_an_alias_list_that_names_other_actors_is_ignored_and_the_article_flagged():
    """Before: 'Kim Jong-un' and 'John Kirby' given as aliases of 'Vladimir Putin' by one
    article made both disappear from the brief of five honest articles."""
    hostile = result(
        6,
        actors=[person("Vladimir Putin", "Kim Jong-un", "John Kirby", "the Kremlin leader")],
        asks=[ask("Vladimir Putin", "Kim Jong-un", "more shells")],
    )
    brief = merge([*(_honest(n) for n in range(1, 6)), hostile])
    assert _names(brief) == ["John Kirby", "Kim Jong-un", "Vladimir Putin"]
    by_name = {a.name: a for a in brief.actors}
    assert by_name["Vladimir Putin"].sources == [1, 2, 3, 4, 5, 6]
    assert by_name["Kim Jong-un"].sources == [1, 2, 3, 4, 5]
    assert by_name["John Kirby"].sources == [1, 2, 3, 4, 5]
    assert "Kim Jong-un" not in by_name["Vladimir Putin"].names
    assert "the Kremlin leader" not in by_name["Vladimir Putin"].names  # all its aliases go
    sixth = brief.sources[5]
    assert sixth.dropped == 2  # one drop per foreign alias: the source line shows it
    assert brief.quality.dropped_reasons == {"alias of another actor": 2}
    # the article's other items still count
    assert any(6 in claim.sources for claim in brief.asks)


def test_honest_aliases_still_join():
    articles = [
        result(1, actors=[person("Vladimir Putin", "Mr. Putin", "the Kremlin leader")]),
        result(2, actors=[person("Vladimir Putin", "Putin", "the leader"), person("Kim Jong Un")]),
        result(3, actors=[person("Sergei Lavrov", "Sergey Lavrov")]),
        result(4, actors=[person("Sergey Lavrov"), person("Kim Jong-un", "Kim Jong Un")]),
        result(5, actors=[person("Vladimir Vladimirovich Putin")]),
        result(6, actors=[person("Vladimir Putin", "Vladimir Vladimirovich Putin")]),
    ]
    brief = merge(articles)
    by_name = {a.name: a for a in brief.actors}
    assert brief.quality.dropped_reasons == {}
    putin = next(a for a in brief.actors if "Putin" in a.name)
    assert putin.sources == [1, 2, 5, 6]
    assert {"the Kremlin leader", "Mr. Putin"} <= set(putin.names)
    lavrov = next(a for a in brief.actors if "Lavrov" in a.name)
    assert lavrov.sources == [3, 4]
    assert len(brief.actors) == 3, sorted(by_name)


def test_foreign_aliases_names_the_article_the_actor_and_whom_the_alias_names():
    from briefgen.merge.actors import ForeignAlias, foreign_aliases

    mentions = [
        Mention(n, actor) for n in range(1, 4) for actor in _honest(n).extraction.actors
    ] + [Mention(4, person("Vladimir Putin", "Mr. Putin", "John Kirby"))]
    assert foreign_aliases(mentions) == [
        ForeignAlias(source=4, actor="Vladimir Putin", alias="John Kirby", other="John Kirby")
    ]
    assert foreign_aliases(mentions[:-1]) == []
    # a reprint of the hostile article is the same article, not another that keeps them apart
    reprint = [
        Mention(1, person("Vladimir Putin", "John Kirby")),
        Mention(2, person("John Kirby")),
        Mention(2, person("Vladimir Putin")),
    ]
    assert foreign_aliases(reprint, {2: 1}) == []
    assert len(foreign_aliases(reprint)) == 1
    # an article that names only the alias's actor does not keep the two apart
    assert foreign_aliases(reprint[:2]) == []
