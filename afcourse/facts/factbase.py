"""Load the fact base from YAML, validate every record, and cross-check references.

Problems are collected, not raised one at a time: :class:`FactBaseError` lists every
problem with its file, line, record id and field, so an author fixes them in one pass.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from afcourse.facts.models import Chapter, Concept, Country, Fact, Objective, Relation, Source

REGISTRY_FILES = {"sources.yaml": ("sources", Source), "countries.yaml": ("countries", Country), "chapters.yaml": ("chapters", Chapter)}
UNDERSTANDING = "understanding"
"""The sub-folder of objectives, concepts and relations (one file per chapter, same stem as its fact file)."""
UNDERSTANDING_KEYS = ("objectives", "concepts", "relations")
_FACT_ADAPTER: TypeAdapter = TypeAdapter(Fact)
_RELATION_ADAPTER: TypeAdapter = TypeAdapter(Relation)


class _NoTimestampLoader(yaml.SafeLoader):
    """A safe loader that keeps '2016-12-27' as text: dates are parsed by PartialDate."""


class _FastNoTimestampLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same with libyaml's parser where PyYAML has it: ten times faster. A file it refuses is read again by
    the pure-Python parser, whose message says what it found ("but got ':'")."""


_NoTimestampLoader.yaml_implicit_resolvers = _FastNoTimestampLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the fact files, located as precisely as possible."""

    file: str
    line: int
    message: str
    record: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        what = f" {self.record}:" if self.record else ""
        field = f" field '{self.field}':" if self.field else ""
        return f"{where}:{what}{field} {self.message}"


class FactBaseError(Exception):
    """Raised when the fact files have problems; ``problems`` lists all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the fact files:\n{lines}")


@dataclass
class _Located:
    """A YAML record with its node, so that fields can be traced back to lines."""

    file: str
    data: Any
    node: yaml.Node | None


class FactBase:
    """The validated fact base: facts by id plus the sources, countries and chapters."""

    def __init__(self, facts: list[BaseModel], sources: list[Source], countries: list[Country], chapters: list[Chapter],
                 origins: dict[str, str] | None = None, objectives: list[Objective] = (), concepts: list[Concept] = (),
                 relations: list[BaseModel] = ()):
        self.facts = {f.id: f for f in facts}
        self.sources = {s.id: s for s in sources}
        self.countries = {c.id: c for c in countries}
        self.chapters = {c.id: c for c in sorted(chapters, key=lambda c: c.number)}
        self.origins = origins or {}
        self.objectives = {o.id: o for o in objectives}
        self.concepts = {c.id: c for c in concepts}
        self.relations = {r.id: r for r in relations}

    def __len__(self) -> int:
        return len(self.facts)

    def __iter__(self):
        return iter(self.facts.values())

    def of_kind(self, kind: str) -> list:
        """Facts of one kind, in id order."""
        return sorted((f for f in self.facts.values() if f.kind == kind), key=lambda f: f.id)

    def in_chapter(self, chapter: str) -> list:
        """Facts of one chapter, in id order."""
        return sorted((f for f in self.facts.values() if f.chapter == chapter), key=lambda f: f.id)

    def relations_of(self, kind: str, chapter: str | None = None) -> list:
        """Relations of one kind (optionally of one chapter), in id order."""
        return sorted((r for r in self.relations.values() if r.kind == kind and chapter in (None, r.chapter)),
                      key=lambda r: r.id)

    def objectives_of(self, chapter: str) -> list[Objective]:
        """A chapter's objectives, in the order its file lists them."""
        return [o for o in self.objectives.values() if o.chapter == chapter]

    def objective_of_fact(self, fact_id: str, chapter: str | None = None) -> str | None:
        """The first objective (of ``chapter``, if given) whose facts include ``fact_id``; None if none does."""
        return next((o.id for o in self.objectives.values()
                     if fact_id in o.facts and chapter in (None, o.chapter)), None)

    def name_of(self, ref: str) -> str:
        """Display name of a person, organisation or country id."""
        if ref in self.countries:
            return self.countries[ref].name
        entity = self.facts[ref]
        return entity.name

    def entity_kind(self, ref: str) -> str:
        """'country', 'person' or 'organisation' for a reference id."""
        return "country" if ref in self.countries else self.facts[ref].kind

    def attribution(self, ref: str) -> str:
        """Who a relation's ``according_to`` names: a source's author surname (‘Aliyev’) or an entity's name."""
        if ref in self.sources:
            return self.sources[ref].author.split(" (")[0].split()[-1]
        return self.name_of(ref)


def default_directory() -> Path:
    """The fact files shipped inside the package."""
    return Path(str(resources.files("afcourse") / "facts"))


def load_facts(directory: str | Path | None = None) -> FactBase:
    """Load, validate and cross-check every YAML file in ``directory``.

    Raises :class:`FactBaseError` listing every problem found.
    """
    directory = Path(directory) if directory is not None else default_directory()
    if directory == default_directory():
        return _load_default()
    return _load(directory)


@lru_cache(maxsize=1)
def _load_default() -> FactBase:
    return _load(default_directory())


def _load(directory: Path) -> FactBase:
    problems: list[Problem] = []
    registries: dict[str, list] = {name: [] for name, _ in REGISTRY_FILES.values()}
    fact_records: list[_Located] = []
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise FactBaseError([Problem(str(directory), 0, "no .yaml fact files found")])
    for path in paths:
        label = path.name
        composed = _compose(path, label, problems)
        if composed is None:
            continue
        data, node = composed
        if path.name in REGISTRY_FILES:
            key, model = REGISTRY_FILES[path.name]
            for rec in _records(label, data, node, key, problems):
                entry = _validate(rec, lambda d, m=model: m.model_validate(d), problems, registry=True)
                if entry is not None:
                    registries[key].append((entry, rec))
        else:
            fact_records.extend(_records(label, data, node, "facts", problems))

    facts: list[tuple[BaseModel, _Located]] = []
    for rec in fact_records:
        fact = _validate(rec, _FACT_ADAPTER.validate_python, problems)
        if fact is not None:
            facts.append((fact, rec))
    understanding = _read_understanding(directory / UNDERSTANDING, problems)
    validators = {"objectives": Objective.model_validate, "concepts": Concept.model_validate,
                  "relations": _RELATION_ADAPTER.validate_python}
    records: dict[str, list[tuple[_Located, BaseModel]]] = {key: [] for key in UNDERSTANDING_KEYS}
    for key in UNDERSTANDING_KEYS:
        for rec in understanding[key]:
            record = _validate(rec, validators[key], problems, kind=key[:-1], union=key == "relations")
            if record is not None:
                records[key].append((rec, record))

    sources = [s for s, _ in registries["sources"]]
    countries = [c for c, _ in registries["countries"]]
    chapters = [c for c, _ in registries["chapters"]]
    problems.extend(_cross_check(fact_records, registries, understanding))
    if problems:
        raise FactBaseError(sorted(problems, key=lambda p: (p.file, p.line)))
    origins = {fact.id: f"{rec.file}:{_line(rec.node)}" for fact, rec in facts}
    for key in UNDERSTANDING_KEYS:
        origins.update({record.id: f"{rec.file}:{_line(rec.node)}" for rec, record in records[key]})
    return FactBase([f for f, _ in facts], sources, countries, chapters, origins,
                    *([record for _, record in records[key]] for key in UNDERSTANDING_KEYS))


def _compose(path: Path, label: str, problems: list[Problem]) -> tuple[Any, yaml.Node | None] | None:
    """A YAML file's data and node; None (with a located problem) on a syntax error."""
    text = path.read_text(encoding="utf-8")
    try:
        try:
            node = yaml.compose(text, Loader=_FastNoTimestampLoader)
        except yaml.YAMLError:
            node = yaml.compose(text, Loader=_NoTimestampLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = f" ({exc.context} that starts at line {exc.context_mark.line + 1})" if exc.context and exc.context_mark else ""
        problems.append(Problem(label, mark.line + 1 if mark else 0, f"YAML syntax error: {exc.problem}{context}"))
        return None
    data = _FastNoTimestampLoader("").construct_document(node) if node is not None else None
    return data, node


def _read_understanding(folder: Path, problems: list[Problem]) -> dict[str, list[_Located]]:
    """The raw objectives, concepts and relations of every file in ``folder`` (absent folder: none)."""
    found: dict[str, list[_Located]] = {key: [] for key in UNDERSTANDING_KEYS}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        label = f"{UNDERSTANDING}/{path.name}"
        composed = _compose(path, label, problems)
        if composed is None:
            continue
        data, node = composed
        if data is None:
            continue
        if not isinstance(data, dict):
            problems.append(Problem(label, _line(node), f"expected a mapping with lists under {', '.join(UNDERSTANDING_KEYS)}"))
            continue
        for key in data:
            if key not in UNDERSTANDING_KEYS:
                problems.append(Problem(label, _line(_key_node(node, key)),
                                        f"unknown top-level key {key!r} (expected: {', '.join(UNDERSTANDING_KEYS)})"))
        for key in UNDERSTANDING_KEYS:
            if key in data and data[key] is not None:
                found[key].extend(_records(label, data, node, key, problems))
    return found


def _records(label: str, data: Any, node: yaml.Node | None, key: str, problems: list[Problem]) -> list[_Located]:
    """The list under ``key`` in a file, each item paired with its YAML node."""
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.append(Problem(label, _line(node), f"expected a mapping with a list under '{key}:'"))
        return []
    items_node = _child(node, key)
    nodes = items_node.value if isinstance(items_node, yaml.SequenceNode) else []
    return [_Located(label, item, nodes[i] if i < len(nodes) else None) for i, item in enumerate(data[key])]


def _validate(rec: _Located, validate, problems: list[Problem], registry: bool = False, kind: str = "fact",
              union: bool = True):
    """Validate one record; on failure add a located problem per error and return None.

    ``kind`` names the record in messages ('fact', 'objective', 'relation' ...); ``union`` says the
    model is a union tagged by ``kind:``, whose tag pydantic puts first in an error's location.
    """
    if not isinstance(rec.data, dict):
        problems.append(Problem(rec.file, _line(rec.node), "expected a mapping (key: value lines)"))
        return None
    record_id = rec.data.get("id")
    label = f"{'entry' if registry else kind} {record_id!r}" if record_id else None
    try:
        return validate(rec.data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = list(err["loc"])
            if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
                loc = ["kind"]
            elif not registry and union:
                loc = loc[1:]  # drop the union tag (the record's kind)
            problems.append(Problem(rec.file, _line(_descend(rec.node, loc)), _message(err), label, _field_name(loc) or None))
        return None


def _message(err: dict) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field (check the spelling)"
    if kind == "union_tag_invalid":
        return f"unknown kind {err['ctx']['tag']!r} (expected one of: {err['ctx']['expected_tags']})"
    if kind == "union_tag_not_found":
        return "'kind' is required"
    return err["msg"].removeprefix("Value error, ")


def _field_name(loc: Iterable) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _cross_check(records: list[_Located], registries: dict[str, list],
                 understanding: dict[str, list[_Located]] | None = None) -> list[Problem]:
    """Ids unique; citations, chapters and references resolve; responses point at facts.

    Runs on the raw records, so a record that also failed field validation still has
    its references checked: every problem is reported in one pass.
    """
    problems: list[Problem] = []
    sources = {s.id: s for s, _ in registries["sources"]}
    chapters = {c.id for c, _ in registries["chapters"]}
    facts = [r for r in records if isinstance(r.data, dict)]
    understanding = {key: [r for r in (understanding or {}).get(key, []) if isinstance(r.data, dict)]
                     for key in UNDERSTANDING_KEYS}
    first_seen: dict[str, str] = {}
    kinds = [("fact", r) for r in facts] + [(key[:-1], r) for key in UNDERSTANDING_KEYS for r in understanding[key]]
    for kind, rec in [*(("entry", r) for _, r in registries["countries"]), *kinds]:
        record_id = rec.data.get("id")
        if not isinstance(record_id, str):
            continue
        if record_id in first_seen:
            problems.append(Problem(rec.file, _line(_child(rec.node, "id")), f"duplicate id, first defined at {first_seen[record_id]}",
                                    f"{kind} {record_id!r}", "id"))
        else:
            first_seen[record_id] = f"{rec.file}:{_line(rec.node)}"
    entities = {c.id for c, _ in registries["countries"]} | {
        r.data.get("id") for r in facts if r.data.get("kind") in ("person", "organisation")}
    for source, rec in registries["sources"]:
        if source.author_id not in entities:
            problems.append(Problem(rec.file, _line(_child(rec.node, "author_id")),
                                    f"unknown person or organisation {source.author_id!r}", f"entry {source.id!r}", "author_id"))
    fact_ids = {r.data.get("id") for r in facts}
    for rec in facts:
        data = rec.data
        label = f"fact {data.get('id')!r}" if data.get("id") else None

        def report(path: list, message: str) -> None:
            problems.append(Problem(rec.file, _line(_descend(rec.node, path)), message, label, _field_name(path)))

        chapter = data.get("chapter")
        if isinstance(chapter, str) and chapter not in chapters:
            report(["chapter"], f"unknown chapter {chapter!r} (known: {', '.join(sorted(chapters))})")
        cited = "versions" if data.get("kind") == "disagreement" and not data.get("citations") else "citations"
        for field in (cited, "also_made_in"):
            for i, cite in enumerate(_list(data.get(field))):
                if not isinstance(cite, dict) or not isinstance(cite.get("source"), str):
                    continue
                source = sources.get(cite["source"])
                paragraph = cite.get("paragraph")
                if source is None:
                    report([field, i, "source"], f"unknown source {cite['source']!r} (known: {', '.join(sorted(sources))})")
                elif isinstance(paragraph, int) and paragraph > source.paragraphs:
                    report([field, i, "paragraph"],
                           f"paragraph {paragraph} is past the end of {source.id} ({source.paragraphs} paragraphs)")
        for path, ref in _reference_paths(data):
            if isinstance(ref, str) and ref not in entities:
                report(path, f"unknown person, organisation or country {ref!r}")
        target = data.get("responds_to")
        if isinstance(target, str) and target not in fact_ids:
            report(["responds_to"], f"unknown fact {target!r}")
    problems.extend(_check_understanding(understanding, facts, sources, chapters, entities))
    return problems


def _check_understanding(understanding: dict[str, list[_Located]], facts: list[_Located], sources: dict,
                         chapters: set[str], entities: set[str]) -> list[Problem]:
    """References of objectives, concepts and relations: every id they name exists, and a relation's
    chapter is its objective's; a topic reads the same on each of its positions."""
    problems: list[Problem] = []
    fact_kinds = {r.data.get("id"): r.data.get("kind") for r in facts}
    contested_events = {r.data.get("id") for r in facts if r.data.get("kind") == "event" and r.data.get("contested")}
    objectives = {r.data.get("id"): r.data.get("chapter") for r in understanding["objectives"]}
    concepts = {r.data.get("id") for r in understanding["concepts"]}
    topics: dict[str, tuple[str, str]] = {}
    for key in UNDERSTANDING_KEYS:
        for rec in understanding[key]:
            data = rec.data
            label = f"{key[:-1]} {data.get('id')!r}" if data.get("id") else None

            def report(path: list, message: str) -> None:
                problems.append(Problem(rec.file, _line(_descend(rec.node, path)), message, label, _field_name(path)))

            def known(path: list, ref: Any, pool, what: str) -> None:
                if isinstance(ref, str) and ref not in pool:
                    report(path, f"unknown {what} {ref!r}")

            chapter = data.get("chapter")
            if isinstance(chapter, str) and chapter not in chapters:
                report(["chapter"], f"unknown chapter {chapter!r} (known: {', '.join(sorted(chapters))})")
            for i, ref in enumerate(_list(data.get("facts"))):
                known(["facts", i], ref, fact_kinds, "fact")
            cites = [(["citations", i], c) for i, c in enumerate(_list(data.get("citations")))]
            for m, wrong in enumerate(_list(data.get("misconceptions"))):
                if isinstance(wrong, dict):
                    cites += [(["misconceptions", m, "contradicted_by", i], c)
                              for i, c in enumerate(_list(wrong.get("contradicted_by")))]
            for path, cite in cites:
                if not isinstance(cite, dict) or not isinstance(cite.get("source"), str):
                    continue
                source, paragraph = sources.get(cite["source"]), cite.get("paragraph")
                if source is None:
                    report([*path, "source"], f"unknown source {cite['source']!r} (known: {', '.join(sorted(sources))})")
                elif isinstance(paragraph, int) and paragraph > source.paragraphs:
                    report([*path, "paragraph"],
                           f"paragraph {paragraph} is past the end of {source.id} ({source.paragraphs} paragraphs)")
            if key == "concepts":
                known(["objective"], data.get("objective"), objectives, "objective")
            if key != "relations":
                continue
            objective = data.get("objective")
            known(["objective"], objective, objectives, "objective")
            if objective in objectives and isinstance(chapter, str) and objectives[objective] != chapter:
                report(["objective"], f"objective {objective!r} belongs to chapter {objectives[objective]!r}, "
                                      f"not {chapter!r}")
            for field in ("actor", "holder"):
                known([field], data.get(field), entities, "person, organisation or country")
            known(["according_to"], data.get("according_to"), entities | set(sources),
                  "source, person, organisation or country")
            known(["concept"], data.get("concept"), concepts, "concept")
            for i, ref in enumerate(_list(data.get("also_fits"))):
                known(["also_fits", i], ref, concepts, "concept")
                if ref == data.get("concept"):
                    report(["also_fits", i], "also_fits repeats the record's own concept")
            for field in ("made_by", "denied_by"):
                for i, ref in enumerate(_list(data.get(field))):
                    known([field, i], ref, fact_kinds, "fact")
                    if field == "made_by" and ref in contested_events:
                        continue  # an allegation the sources report without naming who made it
                    if fact_kinds.get(ref) not in (None, "statement", "quotation"):
                        report([field, i], f"{ref!r} is a {fact_kinds[ref]} fact; {field} lists statements"
                                           + (", or a contested event for an allegation whose maker the sources "
                                              "do not name" if field == "made_by" else ""))
            topic, text = data.get("topic"), data.get("topic_text")
            if isinstance(topic, str) and isinstance(text, str):
                if topic in topics and topics[topic][0] != text:
                    report(["topic_text"], f"topic {topic!r} reads {topics[topic][0]!r} at {topics[topic][1]}: "
                                           f"every position of a topic has the same topic_text")
                topics.setdefault(topic, (text, f"{rec.file}:{_line(rec.node)}"))
    return problems


def _key_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The node of a mapping's key (for a problem with the key itself)."""
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if getattr(k, "value", None) == key:
                return k
    return node


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _reference_paths(data: dict) -> list[tuple[list, Any]]:
    """Each reference a raw fact record makes, with the path of the field that holds it."""
    paths: list[tuple[list, Any]] = []
    for field in ("participants", "members", "also_said_by"):
        paths += [([field, i], ref) for i, ref in enumerate(_list(data.get(field)))]
    for field in ("speaker", "country"):
        if field in data:
            paths.append(([field], data[field]))
    for i, role in enumerate(_list(data.get("roles"))):
        if isinstance(role, dict) and role.get("organisation"):
            paths.append((["roles", i, "organisation"], role["organisation"]))
    return paths


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        for k, v in node.value:
            if getattr(k, "value", None) == key:
                return v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def _descend(node: yaml.Node | None, path: Iterable) -> yaml.Node | None:
    """The deepest node along ``path`` (the record itself if the field is absent)."""
    for part in path:
        child = _child(node, part)
        if child is None:
            break
        node = child
    return node


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def summary(base: FactBase) -> dict[str, Counter]:
    """Counts of facts by kind, chapter and cited source (a fact counts once per source)."""
    by_source: Counter = Counter()
    for fact in base:
        for source in sorted({c.source for c in fact.citations}):
            by_source[source] += 1
    return {
        "kind": Counter(f.kind for f in base),
        "chapter": Counter(f.chapter for f in base),
        "source": by_source,
    }
