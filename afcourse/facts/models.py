"""Typed records of the fact base: sources, countries, chapters and the fact kinds.

Every fact carries a statement in the course's own words and at least one citation
(source id + paragraph number). The kinds hold the structure that questions are
generated from, so that an answer and its distractors are always of one kind.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from afcourse.facts.partialdate import PartialDate

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
"""A lower-case, hyphenated identifier such as ``zamir-kabulov``."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _ends_sentence(value: str) -> str:
    if value[-1] not in ".?!\"\u201d)":
        raise ValueError("a statement must be a full sentence ending with a full stop")
    return value


Sentence = Annotated[Text, AfterValidator(_ends_sentence)]
"""A statement in the course's words: one or more full sentences."""
MAX_QUOTE_WORDS = 30


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Record):
    """One source document; paragraph numbers refer to ``seed_file`` (see sources.yaml)."""

    id: Slug
    author: Text
    title: Text
    publisher: Text
    date: PartialDate
    date_note: str | None = None
    kind: Text
    author_id: Slug = Field(description="the person or organisation fact that stands for the author")
    seed_file: Text
    duplicate_files: list[str] = []
    paragraphs: int = Field(gt=0, description="how many paragraphs the seed file has")
    address: str | None = Field(None, description="the public address (URL) the seed file itself gives, if any")
    description: Text


class Country(_Record):
    """A state (or former state) that facts refer to by id."""

    id: Slug
    name: Text
    aliases: list[str] = []
    region: Text
    government: Text | None = Field(None, description=(
        "how a view held by the state reads as a holder, where its name reads as the land ('the Afghan government')"))


class Chapter(_Record):
    """A chapter of the book; facts and quizzes are grouped by chapter id."""

    id: Slug
    number: int = Field(gt=0)
    title: Text
    short_title: Text


class Citation(_Record):
    """A pointer into a source: its id and a paragraph number (1-based)."""

    source: Slug
    paragraph: int = Field(gt=0)


class _Fact(_Record):
    id: Slug
    chapter: Slug
    statement: Sentence = Field(description="the fact in the course's own words, one or two sentences")
    citations: list[Citation] = Field(default_factory=list, validate_default=True)
    tags: list[Slug] = []
    contested: bool = Field(False, description="true for allegations, denials, opinions and disputed claims")
    note: str | None = Field(None, description="context for authors and instructors, e.g. how a date was inferred")

    @field_validator("citations")
    @classmethod
    def _needs_citation(cls, value: list[Citation]) -> list[Citation]:
        if not value:
            raise ValueError("at least one citation is required")
        return value


class EventFact(_Fact):
    """Something that happened, dated at the precision the source gives."""

    kind: Literal["event"]
    name: Text = Field(description="noun phrase naming the event, e.g. 'the third round of the Moscow talks'")
    date: PartialDate
    end_date: PartialDate | None = None
    place: str | None = None
    participants: list[Slug] = []
    participants_complete: bool = Field(False, description="true when the cited source lists every participant")
    ask: str | None = Field(None, description="a teacher's question whose answer is the event's year, e.g. "
                                               "'In what year did Russia reopen its cultural centre in Kabul?'")
    month_matters: bool = Field(False, description=(
        "the month is worth a student's knowing (the fall of Kabul in August 2021); only then is it asked"))
    scheduled: bool = Field(False, description=(
        "the sources report it only as planned for its date, not as having happened: asked only through its "
        "own question (ask), never among events that 'happened'"))


class Role(_Record):
    """A position a person held, with the dates the sources give."""

    title: Text
    organisation: Slug | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    as_of: PartialDate | None = Field(None, description="when a source describes the person in this role")
    ask: str | None = Field(None, description="a question whose only answer is this person in this role, with a time "
                                               "anchor that makes one person fit: 'Who was Russia's foreign minister in 2007?'")


class PersonFact(_Fact):
    """A person the sources name, with the roles they give."""

    kind: Literal["person"]
    name: Text
    aliases: list[str] = []
    country: Slug | None = None
    roles: list[Role] = Field(min_length=1)


class OrganisationFact(_Fact):
    """An organisation, alliance, movement or body, with its members where given."""

    kind: Literal["organisation"]
    name: Text
    abbreviation: str | None = None
    abbreviation_used: bool = Field(True, description="false when the sources never use the abbreviation: "
                                                    "questions then spell the name out")
    aliases: list[str] = []
    category: Text = Field(description="e.g. 'military alliance', 'militant movement', 'government body'")
    founded: PartialDate | None = None
    founding_disputed: bool = Field(False, description="true when sources or common knowledge put the founding in two "
                                                        "years (signed one year, in force the next): no founding question")
    members: list[Slug] = []
    members_as_of: PartialDate | None = None
    members_complete: bool = Field(False, description="true when the cited source lists every member")
    members_unclear: list[Slug] = Field(default_factory=list, description=(
        "states a source puts both in and out of it: never offered as a member or as a non-member"))


class QuantityFact(_Fact):
    """A number the sources give, with its unit and what it measures."""

    kind: Literal["quantity"]
    measure: Text = Field(description="noun phrase for what is counted, e.g. 'US troops in Afghanistan in early 2021'")
    value: float
    unit: Text
    approximate: bool = False
    date: PartialDate | None = None
    ask: str | None = Field(None, description="the question a teacher would ask for the number, naming its source: "
                                               "'According to Gurganus, how many rounds of talks did Russia host ...?'")
    claim: str | None = Field(None, description="a sentence stating the number as '{value}' with its unit, for "
                                                 "true/false: 'Krivosheev writes that {value} US troops remained.'")

    @field_validator("claim")
    @classmethod
    def _has_value(cls, value: str | None) -> str | None:
        if value is not None and "{value}" not in value:
            raise ValueError("a claim must contain '{value}' where the number goes")
        return value


class StatementFact(_Fact):
    """What someone said, claimed, alleged or denied, in the course's words."""

    kind: Literal["statement"]
    speaker: Slug
    stance: Literal["position", "assessment", "report", "allegation", "denial", "prediction"] = Field(
        description="position: a stated stance; assessment: the speaker's own judgement; report: an account of "
                    "what happened or of others' views, given as fact; allegation, denial, prediction")
    gist: Text = Field(description="what was said, as a clause: 'Russia was arming the Taliban'")
    short: str | None = Field(None, description="the gist in at most 20 words, as a clause, for question stems; "
                                                 "keeps any hedge ('reportedly') of the statement")
    reported: bool = Field(False, description="known only through a report (a newspaper, an agency, 'reportedly'): "
                                              "questions say 'reportedly' and never present it as established")
    date: PartialDate | None = None
    venue: str | None = None
    responds_to: Slug | None = None
    also_said_by: list[Slug] = Field(default_factory=list, description=(
        "others (people, bodies, states) the sources record saying much the same: never offered as a wrong answer "
        "to who said it"))
    also_made_in: list[Citation] = Field(default_factory=list, description=(
        "paragraphs of other course sources that make much the same point: a question asking which source makes "
        "it never offers those sources as wrong answers"))


class QuotationFact(_Fact):
    """A short verbatim quotation of an official, marked and cited."""

    kind: Literal["quotation"]
    speaker: Slug
    quote: Text
    context: Text = Field(description="the circumstances, in the course's words")
    said: str | None = Field(None, description="a 'that' clause embedding the quotation for question stems: "
                                                "'that the Taliban's interests \u201cobjectively coincide\u201d with Russia\'s'")
    date: PartialDate | None = None
    venue: str | None = None

    @field_validator("quote")
    @classmethod
    def _short(cls, value: str) -> str:
        if len(value.split()) > MAX_QUOTE_WORDS:
            raise ValueError(f"a quotation may have at most {MAX_QUOTE_WORDS} words")
        return value


class Version(_Record):
    """One source's account of a disputed point."""

    source: Slug
    paragraph: int = Field(gt=0)
    says: Text
    value: str | None = Field(None, description="the short answer this version gives, e.g. a year")
    implies: str | None = Field(None, description="what follows if this version is right, as a clause, where the "
                                                  "chapter's prose says so")


class DisagreementFact(_Fact):
    """A point on which the sources differ; each version stays attributed to its source."""

    kind: Literal["disagreement"]
    topic: Text = Field(description="noun phrase, e.g. 'when Moscow's contacts with the Taliban began'")
    versions: list[Version] = Field(min_length=2)
    ask: str | None = Field(None, description="the question for one version, with '{value}' for its answer: "
                                               "'Which source dates the first contacts to {value}?'")
    silent: list[Slug] = Field([], description="sources that touch the point without taking a side: never offered "
                                                "as a wrong answer, since a student could defend them")
    contested: Literal[True] = True

    @model_validator(mode="before")
    @classmethod
    def _cite_versions(cls, data):
        if isinstance(data, dict) and not data.get("citations") and isinstance(data.get("versions"), list):
            data = dict(data)
            data["citations"] = [
                {"source": v.get("source"), "paragraph": v.get("paragraph")} for v in data["versions"] if isinstance(v, dict)
            ]
        return data


Fact = Annotated[
    Union[EventFact, PersonFact, OrganisationFact, QuantityFact, StatementFact, QuotationFact, DisagreementFact],
    Field(discriminator="kind"),
]
FACT_KINDS = ("event", "person", "organisation", "quantity", "statement", "quotation", "disagreement")


# --- understanding: objectives, concepts and the relations why/evidence/compare/apply questions need ---------------

def _clause(value: str, field: str, *, no_lead: tuple[str, ...] = ()) -> str:
    """A fragment that slots into a stem or an option: no closing full stop, no given lead word."""
    if value.endswith("."):
        raise ValueError(f"{field} is a clause that slots into a question: no full stop at the end")
    first = value.split()[0].lower()
    if first in no_lead:
        raise ValueError(f"{field} must not start with {first!r} (the question supplies it)")
    return value


class Objective(_Record):
    """A learning objective of a chapter, as its page shows students, and the facts that teach it."""

    id: Slug
    chapter: Slug
    statement: Text = Field(description="'Explain why ...': a full sentence starting with a verb")
    facts: list[Slug] = Field(min_length=2, description="ids of existing facts that teach it")
    note: str | None = None

    @field_validator("statement")
    @classmethod
    def _verb_sentence(cls, value: str) -> str:
        if not value[0].isupper() or not value.endswith("."):
            raise ValueError("an objective is a full sentence starting with a capitalised verb and ending with a full stop")
        return value


class Concept(_Record):
    """A concept the course uses (hedging, buffer zone ...), defined once in the course's words."""

    id: Slug
    term: Text = Field(description="the term as it reads in a stem: 'hedging', 'a buffer zone'")
    definition: Text = Field(description="a full sentence in the course's own words")
    objective: Slug | None = Field(None, description="the objective of the chapter that introduces the term: "
                                                     "questions on its definition test that objective")
    note: str | None = None

    @field_validator("definition")
    @classmethod
    def _is_sentence(cls, value: str) -> str:
        if value[-1] not in ".\"\u201d)":
            raise ValueError("a definition must be a full sentence ending with a full stop")
        return value


class Misconception(_Record):
    """A plausible wrong reason for an action, with the paragraph that contradicts it."""

    reason: Text = Field(description="a clause that follows 'because', like the record's own reason")
    contradicted_by: list[Citation] = Field(min_length=1)
    why_wrong: Text = Field(description="one sentence on why it is wrong, shown as the option's feedback")

    @field_validator("reason")
    @classmethod
    def _reason_clause(cls, value: str) -> str:
        return _clause(value, "reason", no_lead=("because",))


class _Relation(_Record):
    id: Slug
    chapter: Slug
    objective: Slug = Field(description="the objective this relation serves (an objective id)")
    statement: Sentence = Field(description="the relation with its attribution, a full sentence in the course's words")
    citations: list[Citation] = Field(min_length=1, description="every paragraph that states the relation")
    facts: list[Slug] = Field(default_factory=list, description="ids of existing facts it rests on")
    note: str | None = Field(None, description="context for authors, e.g. why a year is not in the cited paragraph")


class ReasonRelation(_Relation):
    """The reason a source gives for an actor's move: "Why did Moscow ___?" "because ___"."""

    kind: Literal["reason"]
    actor: Slug = Field(description="country, organisation or person id")
    action: Text = Field(description="a bare infinitive phrase: 'open channels to the Taliban in the mid-2010s'")
    reason: Text = Field(description="a clause that follows 'because', naming nothing of its own action")
    according_to: Slug = Field(description="a source id, or the person/body/state whose view a source reports")
    misconceptions: list[Misconception] = []

    @field_validator("action")
    @classmethod
    def _action_phrase(cls, value: str) -> str:
        return _clause(value, "action", no_lead=("to",))

    @field_validator("reason")
    @classmethod
    def _reason_clause(cls, value: str) -> str:
        return _clause(value, "reason", no_lead=("because",))


class ConsequenceRelation(_Relation):
    """An effect a source itself traces to a cause."""

    kind: Literal["consequence"]
    cause: Text = Field(description="a noun phrase: 'the US and NATO drawdown from 2014'")
    effect: Text = Field(description="a clause: 'Russia looked for its own ways to protect Central Asia'")
    according_to: Slug
    theme: Slug | None = Field(None, description=(
        "what kind of outcome the effect is, e.g. 'kabul-displeased': effects of one theme could each be defended "
        "as following from the other's cause, so they are never offered as wrong answers for each other"))

    @field_validator("cause", "effect")
    @classmethod
    def _fragment(cls, value: str, info) -> str:
        return _clause(value, info.field_name)


class PositionRelation(_Relation):
    """One holder's view on a topic that two or more holders are compared on."""

    kind: Literal["position"]
    topic: Slug = Field(description="a slug shared by the positions compared")
    topic_text: Text = Field(description="a noun phrase, the same on every record of the topic")
    holder: Slug = Field(description="country, organisation or person id")
    view: Text = Field(description="a clause or noun phrase that reads as an option")
    according_to: Slug

    @field_validator("topic_text", "view")
    @classmethod
    def _fragment(cls, value: str, info) -> str:
        return _clause(value, info.field_name)


ClaimStatus = Literal["allegation", "established", "stated-policy", "disputed", "analysis"]


class ClaimRelation(_Relation):
    """How the sources treat a claim: alleged (and denied), established, a stated policy, disputed or analysis."""

    kind: Literal["claim"]
    claim: Text = Field(description="a clause that follows 'the claim that'")
    status: ClaimStatus
    made_by: list[Slug] = Field(default_factory=list, description="statement facts that make the claim, or a "
                                "contested event fact for an allegation whose maker the sources do not name")
    denied_by: list[Slug] = Field(default_factory=list, description="statement facts that deny it")
    settled: bool = Field(False, description="true only if a source itself settles it")
    according_to: Slug | None = None

    @field_validator("claim")
    @classmethod
    def _claim_clause(cls, value: str) -> str:
        return _clause(value, "claim", no_lead=("that",))

    @model_validator(mode="after")
    def _status_fits(self):
        if self.status in ("allegation", "stated-policy", "analysis") and not self.made_by:
            raise ValueError(f"a claim with status {self.status!r} names the statements that make it (made_by)")
        if self.denied_by and self.status == "established":
            raise ValueError("a claim someone denies is not 'established': use 'allegation' or 'disputed'")
        if self.status == "disputed" and not self.facts:
            raise ValueError("a disputed claim links the disagreement fact in 'facts'")
        return self


class ExampleRelation(_Relation):
    """A case a source presents that illustrates a concept."""

    kind: Literal["example"]
    concept: Slug
    case: Text = Field(description="a clause or noun phrase that reads as an option")
    according_to: Slug
    also_fits: list[Slug] = Field(default_factory=list, description=(
        "other concepts this case also illustrates: never offered as a wrong option for them"))

    @field_validator("case")
    @classmethod
    def _case_fragment(cls, value: str) -> str:
        return _clause(value, "case")


Relation = Annotated[
    Union[ReasonRelation, ConsequenceRelation, PositionRelation, ClaimRelation, ExampleRelation],
    Field(discriminator="kind"),
]
RELATION_KINDS = ("reason", "consequence", "position", "claim", "example")
