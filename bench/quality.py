"""How close is the merger to a human's merge of the bundled example?

Run:  python bench/quality.py [--gold PATH] [--claim-check-answers PATH]

Loads the five hand-written extractions of briefgen/examples/kim-putin-2023-09 (the answers in
scripts/handwritten/kim-putin-2023-09, as `briefgen demo` replays them), runs the real merger and
scores it against the gold annotation in tests/fixtures/annotations/kim-putin-2023-09.json:

- actors: pairwise precision / recall / F1 over actor mentions (two mentions form a pair when they
  are put in the same actor), with every false merge (gold-different actors joined) and missed
  merge (one gold actor split) named;
- claims: the same pairwise scores over the asks, warnings and motives the brief folds together;
- disputes: whether the venue and date disputes the gold expects are shown, whether the venue
  values are grouped as the gold groups the places, and every false dispute.

With --claim-check-answers (scripts/handwritten/claimcheck/kim-putin-2023-09.json), the merge
takes those answers to the claim check's near-miss pairs as its `same_claims`, as a run with
`--claim-check` takes a model's: the claim scores then show what the check reaches with a judge
that follows its rules. The answers are hand-written, not a model's, and the report says so.

Goals: actor F1 >= 0.95 with zero false merges; every expected dispute shown; no false dispute.
It is a report: the exit code is 0 whatever the scores. The scoring functions take plain data
(`score_actors`, `score_claims`, `score_disputes`), so a test can call them too.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from briefgen import ingest
from briefgen.actors import Mention, canonical_name, fold, resolve
from briefgen.claims import Decision
from briefgen.extract import reference
from briefgen.merge import claim_candidates, merge
from briefgen.schemas import ArticleExtraction, Brief, Extraction

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = ROOT / "briefgen" / "examples" / "kim-putin-2023-09"
ANSWERS_DIR = ROOT / "scripts" / "handwritten" / "kim-putin-2023-09"
CLAIM_CHECK_ANSWERS = ROOT / "scripts" / "handwritten" / "claimcheck" / "kim-putin-2023-09.json"
GOLD_PATH = ROOT / "tests" / "fixtures" / "annotations" / "kim-putin-2023-09.json"

CLAIM_KINDS: tuple[str, ...] = ("asks", "warnings", "motives")
# Which field of an ask / warning / motive names its claimant, its counterpart and its text.
_PARTIES = {
    "asks": ("asker", "asked", "ask"),
    "warnings": ("warner", "warned", "warning"),
    "motives": ("actor", None, "motive"),
}
ACTOR_F1_GOAL = 0.95

MentionKey = tuple[str, str]  # (article id, actor name as extracted)
ItemKey = tuple[str, int]  # (article id, index into that article's list of one kind)
Pair = frozenset


# --- loading ---------------------------------------------------------------------------------


def load_results(
    example_dir: Path = EXAMPLE_DIR, answers_dir: Path = ANSWERS_DIR
) -> list[ArticleExtraction]:
    """The extractions the merger sees in `briefgen demo`, in the same order."""
    articles = [a for a in ingest.load([example_dir]) if (answers_dir / f"{a.id}.json").is_file()]
    return [
        ArticleExtraction(
            article=reference(article),
            extraction=Extraction.model_validate_json(
                (answers_dir / f"{article.id}.json").read_text(encoding="utf-8")
            ),
            model="hand-written",
            prompt_version="hand-written",
        )
        for article in articles
    ]


def load_gold(path: Path = GOLD_PATH) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


# --- pairwise scores -------------------------------------------------------------------------


@dataclass
class Score:
    """Pairwise clustering score: a pair is two members put in one group."""

    tp: int
    fp: int
    fn: int
    gold_pairs: int
    predicted_pairs: int

    @property
    def precision(self) -> float | None:
        return self.tp / self.predicted_pairs if self.predicted_pairs else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.gold_pairs if self.gold_pairs else None

    @property
    def f1(self) -> float | None:
        if not self.gold_pairs and not self.predicted_pairs:
            return None
        return 2 * self.tp / (self.gold_pairs + self.predicted_pairs)

    def __add__(self, other: Score) -> Score:
        return Score(
            self.tp + other.tp,
            self.fp + other.fp,
            self.fn + other.fn,
            self.gold_pairs + other.gold_pairs,
            self.predicted_pairs + other.predicted_pairs,
        )


def pairs(groups: Iterable[Iterable[Any]]) -> set[Pair]:
    return {Pair(p) for group in groups for p in combinations(sorted(set(group)), 2)}


def pairwise(predicted: Iterable[Iterable[Any]], gold: Iterable[Iterable[Any]]) -> Score:
    p, g = pairs(predicted), pairs(gold)
    return Score(len(p & g), len(p - g), len(g - p), len(g), len(p))


# --- actors ----------------------------------------------------------------------------------


@dataclass
class ActorReport:
    score: Score
    # (gold id a, gold id b) -> the predicted-together mention pairs that join them
    false_merges: dict[tuple[str, str], list[tuple[MentionKey, MentionKey]]]
    # gold id -> the predicted groups (as mention lists) it is split across
    missed_merges: dict[str, list[list[MentionKey]]]
    problems: list[str] = field(default_factory=list)


def predicted_actor_groups(results: Sequence[ArticleExtraction]) -> list[list[MentionKey]]:
    """Actor groups exactly as `briefgen.merge.merge` forms them."""
    mentions = [
        Mention(n, actor) for n, r in enumerate(results, start=1) for actor in r.extraction.actors
    ]
    ids = [r.article.id for r in results]
    return [
        [(ids[mentions[i].source - 1], mentions[i].actor.name) for i in group]
        for group in resolve(mentions)
    ]


def gold_actor_ids(gold: dict[str, Any]) -> dict[MentionKey, str]:
    return {
        (article, name): actor["id"]
        for actor in gold["actors"]
        for article, name in actor["mentions"]
    }


def score_actors(predicted: list[list[MentionKey]], gold_ids: dict[MentionKey, str]) -> ActorReport:
    problems = []
    seen = [m for group in predicted for m in group]
    duplicates = {m for m in seen if seen.count(m) > 1}
    if duplicates:
        problems.append(f"mentions that are not unique by (article, name): {sorted(duplicates)}")
    missing = [m for m in dict.fromkeys(seen) if m not in gold_ids]
    if missing:
        problems.append(f"mentions the gold does not annotate: {missing}")
    unused = [m for m in gold_ids if m not in set(seen)]
    if unused:
        problems.append(f"gold mentions no extraction has: {unused}")

    by_gold: dict[str, list[MentionKey]] = defaultdict(list)
    for key, actor_id in gold_ids.items():
        if key in set(seen):
            by_gold[actor_id].append(key)
    score = pairwise(predicted, by_gold.values())

    false_merges: dict[tuple[str, str], list[tuple[MentionKey, MentionKey]]] = defaultdict(list)
    for group in predicted:
        for a, b in combinations(group, 2):
            ga, gb = gold_ids.get(a, f"?{a}"), gold_ids.get(b, f"?{b}")
            if ga != gb:
                key = (ga, gb) if ga < gb else (gb, ga)
                false_merges[key].append((a, b))
    group_of = {m: i for i, group in enumerate(predicted) for m in group}
    missed: dict[str, list[list[MentionKey]]] = {}
    for actor_id, members in by_gold.items():
        parts: dict[int, list[MentionKey]] = defaultdict(list)
        for m in members:
            parts[group_of[m]].append(m)
        if len(parts) > 1:
            missed[actor_id] = list(parts.values())
    return ActorReport(score, dict(false_merges), missed, problems)


# --- claims ----------------------------------------------------------------------------------


@dataclass
class ClaimReport:
    scores: dict[str, Score]  # per kind
    false_merges: list[tuple[str, ItemKey, ItemKey]]  # (kind, a, b): folded, gold says not
    missed_merges: list[tuple[str, ItemKey, ItemKey]]  # (kind, a, b): gold says same, not folded
    # The same mistakes by group: a brief claim spanning several gold claims, and a gold claim
    # the brief spreads over several of its claims; each as (kind, note, parts).
    joined: list[tuple[str, str, list[list[ItemKey]]]] = field(default_factory=list)
    split: list[tuple[str, str, list[list[ItemKey]]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> Score:
        return sum(self.scores.values(), Score(0, 0, 0, 0, 0))


def _canonical_names(
    results: Sequence[ArticleExtraction], groups: list[list[MentionKey]]
) -> dict[tuple[str, str], str]:
    """(article id, folded name or alias) -> the canonical name the brief gives that actor."""
    actors = {(r.article.id, a.name): a for r in results for a in r.extraction.actors}
    lookup = {}
    for group in groups:
        members = [actors[m] for m in group]
        name = canonical_name(members)
        for (article, _), actor in zip(group, members, strict=True):
            for written in (actor.name, *actor.aliases):
                lookup.setdefault((article, fold(written)), name)
    return lookup


def predicted_claim_groups(
    brief: Brief, results: Sequence[ArticleExtraction], actor_groups: list[list[MentionKey]]
) -> tuple[dict[str, list[list[ItemKey]]], list[str]]:
    """Each brief claim as the items it folds: a quote (source, text) names the item of that
    article with that quote; where one article gives several items one quote, the claimant
    (and counterpart, and text) pick it. Items no claim cites come back as singletons."""
    problems: list[str] = []
    names = _canonical_names(results, actor_groups)
    article_of = {s.n: s.article.id for s in brief.sources}
    extraction_of = {r.article.id: r.extraction for r in results}

    def who(article: str, name: str | None) -> str | None:
        return None if name is None else names.get((article, fold(name)), name)

    groups: dict[str, list[list[ItemKey]]] = {}
    for kind in CLAIM_KINDS:
        who_field, whom_field, text_field = _PARTIES[kind]
        taken: set[ItemKey] = set()
        kind_groups = []
        for claim in getattr(brief, kind):
            members: list[ItemKey] = []
            for quote in claim.quotes:
                article = article_of[quote.source]
                if quote.item is not None:  # the brief names the item: no guessing
                    taken.add((article, quote.item))
                    members.append((article, quote.item))
                    continue
                items = getattr(extraction_of[article], kind)
                found = [
                    i
                    for i, item in enumerate(items)
                    if item.quote == quote.quote and (article, i) not in taken
                ]
                if len(found) > 1:
                    found = [
                        i
                        for i in found
                        if fold(who(article, getattr(items[i], who_field)) or "") == fold(claim.who)
                        and (
                            whom_field is None
                            or fold(who(article, getattr(items[i], whom_field)) or "")
                            == fold(claim.whom or "")
                        )
                    ] or found
                if len(found) > 1:
                    exact = [i for i in found if getattr(items[i], text_field) == claim.what]
                    found = exact or found
                if not found:
                    problems.append(f"{kind}: brief quote [{quote.source}] not matched to an item")
                    continue
                for i in found:
                    taken.add((article, i))
                    members.append((article, i))
            kind_groups.append(members)
        for r in results:
            for i in range(len(getattr(r.extraction, kind))):
                if (r.article.id, i) not in taken:
                    problems.append(f"{kind}: item {r.article.id}[{i}] is in no brief claim")
                    kind_groups.append([(r.article.id, i)])
        groups[kind] = kind_groups
    return groups, problems


def gold_claim_groups(gold: dict[str, Any]) -> dict[str, list[list[ItemKey]]]:
    groups: dict[str, list[list[ItemKey]]] = {kind: [] for kind in CLAIM_KINDS}
    for group in gold["claims"]:
        groups[group["kind"]].append([(article, index) for article, index in group["members"]])
    return groups


def gold_claim_notes(gold: dict[str, Any]) -> dict[tuple[str, ItemKey], str]:
    """(kind, item) -> the note of the gold claim it belongs to."""
    return {
        (group["kind"], (article, index)): group.get("note", "")
        for group in gold["claims"]
        for article, index in group["members"]
    }


def _parts(group: list[ItemKey], other: list[list[ItemKey]]) -> list[list[ItemKey]]:
    """`group` cut along the groups of `other` (members in no group of `other` stand alone)."""
    where = {m: i for i, g in enumerate(other) for m in g}
    parts: dict[Any, list[ItemKey]] = defaultdict(list)
    for m in group:
        parts[where.get(m, m)].append(m)
    return list(parts.values())


def score_claims(
    predicted: dict[str, list[list[ItemKey]]],
    gold: dict[str, list[list[ItemKey]]],
    notes: dict[tuple[str, ItemKey], str] | None = None,
) -> ClaimReport:
    notes = notes or {}
    scores, false_merges, missed, joined, split = {}, [], [], [], []
    for kind in CLAIM_KINDS:
        p_groups, g_groups = predicted.get(kind, []), gold.get(kind, [])
        p, g = pairs(p_groups), pairs(g_groups)
        scores[kind] = Score(len(p & g), len(p - g), len(g - p), len(g), len(p))
        false_merges += [(kind, *sorted(pair)) for pair in sorted(p - g, key=sorted)]
        missed += [(kind, *sorted(pair)) for pair in sorted(g - p, key=sorted)]
        for group in p_groups:
            if len(parts := _parts(group, g_groups)) > 1:
                joined.append((kind, "", parts))
        for group in g_groups:
            if len(parts := _parts(group, p_groups)) > 1:
                split.append((kind, notes.get((kind, group[0]), ""), parts))
    return ClaimReport(scores, false_merges, missed, joined, split)


# --- disputes --------------------------------------------------------------------------------


@dataclass
class DisputeReport:
    venue_expected: bool
    venue_found: bool
    venue_score: Score
    venue_groups_exact: bool
    predicted_venues: list[list[str]]
    gold_venues: list[list[str]]
    false_venue_splits: list[tuple[str, str]]  # shown as rival answers, but one venue
    hidden_venue_conflicts: list[tuple[str, str]]  # folded into one answer, but rival venues
    date_expected: bool
    date_found: bool
    date_values: list[str]
    problems: list[str] = field(default_factory=list)

    @property
    def missing_disputes(self) -> list[str]:
        slots = [("venue", self.venue_expected, self.venue_found)]
        slots.append(("date", self.date_expected, self.date_found))
        missing = [name for name, expected, found in slots if expected and not found]
        missing += [
            f"venue: {a!r} and {b!r} folded into one answer" for a, b in self.hidden_venue_conflicts
        ]
        return missing

    @property
    def false_disputes(self) -> list[str]:
        found = []
        if self.venue_found and not self.venue_expected:
            found.append("venue marked disputed, but all sources agree")
        found += [
            f"venue: {a!r} vs {b!r} shown as rivals, same venue" for a, b in self.false_venue_splits
        ]
        if self.date_found and not self.date_expected:
            found.append(f"date marked disputed, but the dates agree: {self.date_values}")
        return found


def score_disputes(brief: Brief, gold: dict[str, Any], places: Iterable[str]) -> DisputeReport:
    """`places` are the distinct `place` strings the extractions give."""
    predicted = [[*v.as_written, *v.contains] for v in brief.venue.values]
    gold_groups = [list(group) for group in gold["venues"]]
    problems = []
    gold_places = {p for group in gold_groups for p in group}
    problems += [f"venue {p!r} not in the gold grouping" for p in places if p not in gold_places]
    group_of = {p: i for i, group in enumerate(gold_groups) for p in group}
    false_splits, hidden = [], []
    for a, b in combinations(predicted, 2):
        for pa in a:
            for pb in b:
                if pa in group_of and group_of[pa] == group_of.get(pb):
                    false_splits.append((pa, pb))
    for group in predicted:
        for pa, pb in combinations(group, 2):
            if pa in group_of and pb in group_of and group_of[pa] != group_of[pb]:
                hidden.append((pa, pb))
    exact = {frozenset(g) for g in predicted} == {frozenset(g) for g in gold_groups}
    dates = [f"{v.value or '?'} ({'; '.join(v.as_written)})" for v in brief.date.values]
    return DisputeReport(
        venue_expected=bool(gold["venue_disputed"]),
        venue_found=brief.venue.disputed,
        venue_score=pairwise(predicted, gold_groups),
        venue_groups_exact=exact,
        predicted_venues=predicted,
        gold_venues=gold_groups,
        false_venue_splits=false_splits,
        hidden_venue_conflicts=hidden,
        date_expected=bool(gold["date_disputed"]),
        date_found=brief.date.disputed,
        date_values=dates,
        problems=problems,
    )


# --- report ----------------------------------------------------------------------------------


@dataclass
class QualityReport:
    actors: ActorReport
    claims: ClaimReport
    disputes: DisputeReport
    article_numbers: dict[str, int]
    items: dict[tuple[str, ItemKey], str]  # (kind, item) -> "who -> whom: what", for printing
    # With claim-check answers: (candidate pairs, answered, answered "same", who answered).
    claim_check: tuple[int, int, int, str] | None = None

    @property
    def goals(self) -> list[tuple[str, bool]]:
        f1 = self.actors.score.f1
        return [
            (
                f"actor F1 >= {ACTOR_F1_GOAL} with zero false merges",
                f1 is not None and f1 >= ACTOR_F1_GOAL and not self.actors.false_merges,
            ),
            ("every expected dispute shown", not self.disputes.missing_disputes),
            ("no false dispute", not self.disputes.false_disputes),
        ]


def evaluate(
    results: Sequence[ArticleExtraction] | None = None,
    gold: dict[str, Any] | None = None,
    same_claims: dict[str, Decision] | None = None,
) -> QualityReport:
    results = list(results) if results is not None else load_results()
    gold = gold if gold is not None else load_gold()
    brief = merge(results, same_claims=same_claims)
    checked = None
    if same_claims is not None:
        asked = [c for c in claim_candidates(results) if c.key in same_claims]
        by = ", ".join(sorted({same_claims[c.key].model for c in asked})) or "nobody"
        checked = (
            len(claim_candidates(results)),
            len(asked),
            sum(same_claims[c.key].same for c in asked),
            by,
        )
    actor_groups = predicted_actor_groups(results)
    gold_ids = gold_actor_ids(gold)
    actors = score_actors(actor_groups, gold_ids)
    predicted_claims, claim_problems = predicted_claim_groups(brief, results, actor_groups)
    claims = score_claims(predicted_claims, gold_claim_groups(gold), gold_claim_notes(gold))
    claims.problems += claim_problems
    items: dict[tuple[str, ItemKey], str] = {}
    for r in results:
        for kind in CLAIM_KINDS:
            for i, found in enumerate(getattr(r.extraction, kind)):
                items[(kind, (r.article.id, i))] = describe(kind, found)
    for kind, groups in gold_claim_groups(gold).items():
        for member in (m for group in groups for m in group):
            if (kind, member) not in items:
                claims.problems.append(f"gold {kind} member {member} does not exist")
    places = dict.fromkeys(v.place for r in results for v in r.extraction.venues)
    disputes = score_disputes(brief, gold, places)
    return QualityReport(
        actors=actors,
        claims=claims,
        disputes=disputes,
        article_numbers={r.article.id: n for n, r in enumerate(results, start=1)},
        items=items,
        claim_check=checked,
    )


def describe(kind: str, item: Any, width: int = 60) -> str:
    """'Kirby -> North Korea: stop arms discussions…' for an ask, warning or motive."""
    who_field, whom_field, text_field = _PARTIES[kind]
    whom = getattr(item, whom_field) if whom_field else None
    text = getattr(item, text_field)
    text = text if len(text) <= width else text[: width - 1] + "…"
    return f"{getattr(item, who_field)}{f' -> {whom}' if whom else ''}: {text}"


def _num(value: float | None) -> str:
    return "   —" if value is None else f"{value:.2f}"


def _row(label: str, score: Score) -> str:
    return (
        f"  {label:<18}{score.gold_pairs:>6}{score.predicted_pairs:>6}{score.tp:>5}{score.fp:>5}"
        f"{score.fn:>5}   {_num(score.precision):>5}  {_num(score.recall):>5}  {_num(score.f1):>5}"
    )


def render(report: QualityReport) -> str:
    number = report.article_numbers

    def mention(m: MentionKey) -> str:
        return f"{m[1]!r} [{number[m[0]]}]"

    def item(kind: str, key: ItemKey) -> str:
        return f"[{number[key[0]]}] {kind}[{key[1]}] {report.items[(kind, key)]}"

    lines = ["briefgen merge quality: kim-putin-2023-09 vs the gold annotation", ""]
    lines.append("  [n] = source number: " + ", ".join(f"[{n}] {a}" for a, n in number.items()))
    if report.claim_check is not None:
        pairs, answered, same, by = report.claim_check
        lines.append(
            f"  claim check ON: {answered} of {pairs} near-miss pairs answered ({same} same),"
            f" answers by: {by}"
        )
        if by == "hand-written":
            lines.append(
                "  (hand-written answers, not a model's: the claim scores show what the check"
                " reaches with a judge that follows its rules)"
            )
    lines.append("")
    lines.append(
        f"  {'pairwise':<18}{'gold':>6}{'pred':>6}{'TP':>5}{'FP':>5}{'FN':>5}"
        f"   {'prec':>5}  {'rec':>5}  {'F1':>5}"
    )
    lines.append(_row("actors (mentions)", report.actors.score))
    for kind, score in report.claims.scores.items():
        lines.append(_row(f"claims: {kind}", score))
    lines.append(_row("claims: all", report.claims.total))
    lines.append(_row("venue places", report.disputes.venue_score))
    lines.append("")

    d = report.disputes
    lines.append("Disputes")
    lines.append(
        f"  venue: expected {'disputed' if d.venue_expected else 'agreed':<9} "
        f"found {'disputed' if d.venue_found else 'agreed':<9} "
        f"grouping {'exact' if d.venue_groups_exact else 'WRONG'}"
    )
    lines.append(f"         gold  {' | '.join(' + '.join(g) for g in d.gold_venues)}")
    lines.append(f"         brief {' | '.join(' + '.join(g) for g in d.predicted_venues)}")
    lines.append(
        f"  date:  expected {'disputed' if d.date_expected else 'agreed':<9} "
        f"found {'disputed' if d.date_found else 'agreed':<9} "
        f"values: {'; '.join(d.date_values) or 'none'}"
    )
    for text in d.false_disputes:
        lines.append(f"  FALSE DISPUTE: {text}")
    for name in d.missing_disputes:
        lines.append(f"  MISSING DISPUTE: {name}")
    lines.append("")

    a = report.actors
    lines.append(f"Actor false merges ({len(a.false_merges)} gold-actor pairs joined)")
    for (ga, gb), members in sorted(a.false_merges.items()):
        examples = ", ".join(f"{mention(x)} ~ {mention(y)}" for x, y in members[:3])
        more = f" (+{len(members) - 3} more)" if len(members) > 3 else ""
        lines.append(f"  {ga} + {gb}: {examples}{more}")
    lines.append(f"Actor missed merges ({len(a.missed_merges)} gold actors split)")
    for actor_id, parts in sorted(a.missed_merges.items()):
        shown = " | ".join(", ".join(mention(m) for m in part) for part in parts)
        lines.append(f"  {actor_id}: {shown}")
    lines.append("")

    c = report.claims
    lines.append(
        f"Claim false merges: {len(c.false_merges)} pairs; brief claims joining gold claims:"
        f" {len(c.joined)}"
    )
    for kind, _, parts in c.joined:
        lines.append(f"  {kind}: one brief claim, {len(parts)} gold claims")
        lines += [
            f"    {'+' if i else ' '} {item(kind, m)}" for i, p in enumerate(parts) for m in p
        ]
    lines.append(
        f"Claim missed merges: {len(c.missed_merges)} pairs; gold claims the brief splits:"
        f" {len(c.split)}"
    )
    for kind, note, parts in c.split:
        lines.append(f"  {kind}: {note} — {len(parts)} brief claims")
        for part in parts:
            lines.append(f"    | {item(kind, part[0])}")
            lines += [f"    |   {item(kind, m)}" for m in part[1:]]
    problems = a.problems + c.problems + d.problems
    if problems:
        lines.append("")
        lines.append("Problems (annotation or matching)")
        lines += [f"  ! {p}" for p in problems]
    lines.append("")
    lines.append("Goals")
    for text, met in report.goals:
        lines.append(f"  [{'PASS' if met else 'FAIL'}] {text}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD_PATH, help="gold annotation JSON")
    parser.add_argument(
        "--claim-check-answers",
        type=Path,
        nargs="?",
        const=CLAIM_CHECK_ANSWERS,
        help="merge with these answers to the claim check (default file: the hand-written "
        "answers for the bundled example)",
    )
    args = parser.parse_args(argv)
    same_claims = None
    if args.claim_check_answers is not None:
        from briefgen.claimcheck import load_answers

        same_claims = load_answers(args.claim_check_answers)
    print(render(evaluate(gold=load_gold(args.gold), same_claims=same_claims)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
