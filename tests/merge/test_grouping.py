from briefgen.merge.grouping import UnionFind, firmest, quotes_of
from briefgen.schemas import BriefActor, Quote


def test_quotes_in_source_order_each_once():
    found = quotes_of([(3, "b", "reported", 1), (1, "a", None, None), (3, "b", "reported", 1)])
    assert found == [
        Quote(source=1, quote="a", certainty=None, item=None),
        Quote(source=3, quote="b", certainty="reported", item=1),
    ]
    assert quotes_of([(2, "x", None), (1, "y", "confirmed")])[0].source == 1


def test_a_quote_is_the_validated_one():
    # quotes_of builds quotes without validating again: they must be what validation makes.
    built = quotes_of([(4, "Kim said", "planned", 2), (5, "Putin said", None)])
    for quote in built:
        # every field given: the ones quotes_of does not know take their defaults (a claim's
        # claimant, the source's id: set later, in claims.py and ids.assign)
        fields = {name: field.default for name, field in Quote.model_fields.items()}
        fields.update(source=quote.source, quote=quote.quote)
        fields.update(certainty=quote.certainty, item=quote.item)
        made = Quote(**fields)
        assert quote == made
        assert quote.model_dump() == made.model_dump()
        assert quote.model_dump_json() == made.model_dump_json()
        assert quote.model_fields_set == made.model_fields_set
        assert Quote.model_validate(quote.model_dump()) == quote
    actor = BriefActor(
        name="Kim", kind="person", names=["Kim"], roles=[], sources=[4], quotes=built
    )
    assert actor.quotes == built


def test_a_quote_can_still_be_changed_and_copied_alone():
    first, second = quotes_of([(1, "a", None), (2, "b", None)])
    first.quote = "changed"
    copied = second.model_copy(update={"item": 7})
    assert (first.quote, second.quote, second.item, copied.item) == ("changed", "b", None, 7)
    # one shared set of every field: an assignment (ids.assign's source id) never grows it
    assert first.model_fields_set == second.model_fields_set == set(Quote.model_fields)


def test_union_find_and_firmest():
    sets = UnionFind(5)
    sets.union(3, 1)
    sets.union(4, 3)
    assert sets.groups() == [[0], [1, 3, 4], [2]]
    assert firmest(["reported", None, "planned"]) == "planned"
    assert firmest([None]) is None
