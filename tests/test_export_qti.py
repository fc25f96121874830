"""QTI 1.2 for Canvas: the zip as an importer sees it, parsed with lxml and validated against the
official IMS QTI 1.2.1 DTD.

IMS publishes the QTI 1.2 ASI binding as a DTD (``ims_qtiasiv1p2p1.dtd``, Final release, 2003).
No Debian package ships it; the ``pyslet`` source distribution on PyPI does (in its unit-test
data). The fixture below fetches that sdist with pip once, checks the DTD's SHA-256 and caches
it; with no network it skips only the DTD test, naming why. The DTD predates XML namespaces, so
the check validates a copy of the assessment with the namespace declarations taken off; and it
declares the one element Canvas adds inside QTI's ``selection_extension`` (a question group's
``points_per_item``), which the DTD cannot know.
"""

import hashlib
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from lxml import etree

from afcourse.exports import render
from afcourse.exports.common import lms_id, lms_name, pool
from afcourse.exports.qti import CANVAS_TYPES, assessment_ident
from test_export_cases import NASTY, SOURCES, generated_quiz, html_to_text, nasty_quiz, zip_members

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
PYSLET = "pyslet==0.7.20170805"
CANVAS_EXTENSION = b"\n<!ELEMENT points_per_item (#PCDATA)>\n"
DTD_MEMBER = "pyslet-0.7.20170805/unittests/data_imsqtiv1p2p1/ims_qtiasiv1p2p1.dtd"
DTD_SHA256 = "c991ca648247cde8f228500a4ffb7e3578505c451f54150f43258b7f1ab445bd"


def package(quiz, key):
    (data,) = render("qti", quiz, key, SOURCES).values()
    return zip_members(data)


def assessment_root(files):
    (name,) = [n for n in files if n.endswith(".xml") and n != "imsmanifest.xml"
               and not n.endswith("assessment_meta.xml")]
    return etree.fromstring(files[name])


def items_by_id(root, quiz, key) -> dict:
    """Item elements by the quiz's own question ids (found through their stable LMS ids)."""
    by_ident = {item.get("ident"): item for item in root.iter(f"{QTI}item")}
    return {e.id: by_ident[lms_id(e)] for e in pool(quiz, key)}


def test_manifest_references_every_file_and_nothing_else():
    for quiz, key in (nasty_quiz(), generated_quiz()):
        files = package(quiz, key)
        manifest = etree.fromstring(files["imsmanifest.xml"])
        hrefs = [f.get("href") for f in manifest.iter(f"{CP}file")]
        assert sorted(hrefs) == sorted(set(files) - {"imsmanifest.xml"}) and len(hrefs) == len(set(hrefs))
        resources = list(manifest.iter(f"{CP}resource"))
        ids = [r.get("identifier") for r in resources]
        assert len(ids) == len(set(ids))
        for dep in manifest.iter(f"{CP}dependency"):
            assert dep.get("identifierref") in ids
        qti = [r for r in resources if r.get("type") == "imsqti_xmlv1p2"]
        assert len(qti) == 1 and qti[0].get("identifier") == assessment_ident(quiz)
        for href in [r.get("href") for r in resources if r.get("href")]:
            assert href in files


def test_identifiers_are_unique_and_are_the_stable_lms_ids():
    quiz, key = generated_quiz(n=4, variants=5)
    root = assessment_root(package(quiz, key))
    items = list(root.iter(f"{QTI}item"))
    idents = [i.get("ident") for i in items]
    assert idents == [lms_id(e) for e in pool(quiz, key)] and len(idents) == len(set(idents))
    assert [i.get("title") for i in items] == [lms_name(e) for e in pool(quiz, key)]
    entries = {lms_id(e): e for e in pool(quiz, key)}
    for item in items:
        lids = [r.get("ident") for r in item.iter(f"{QTI}response_lid", f"{QTI}response_str")]
        assert lids and len(lids) == len(set(lids))
        for lid in item.iter(f"{QTI}response_lid"):
            labels = [label.get("ident") for label in lid.iter(f"{QTI}response_label")]
            assert len(labels) == len(set(labels))
        feedback = [f.get("ident") for f in item.iter(f"{QTI}itemfeedback")]
        assert len(feedback) == len(set(feedback))
        for ref in item.iter(f"{QTI}displayfeedback"):
            assert ref.get("linkrefid") in feedback
        q = entries[item.get("ident")].question
        if q.type in ("single_choice", "true_false", "multiple_select"):
            assert labels == [c.id for c in q.choices]
    all_idents = [assessment_ident(quiz), *idents, *(s.get("ident") for s in root.iter(f"{QTI}section"))]
    assert len(all_idents) == len(set(all_idents))


def _metadata(item) -> dict:
    return {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry") for f in item.iter(f"{QTI}qtimetadatafield")}


def test_texts_survive_and_canvas_types_are_declared():
    quiz, key = nasty_quiz()
    root = assessment_root(package(quiz, key))
    assert root.find(f"{QTI}assessment").get("title") == "Quiz " + NASTY
    items = items_by_id(root, quiz, key)
    for entry in pool(quiz, key):
        item = items[entry.id]
        meta = _metadata(item)
        assert meta["question_type"] == CANVAS_TYPES[entry.question.type]
        assert float(meta["points_possible"]) == entry.question.points
        stem = item.find(f"{QTI}presentation/{QTI}material/{QTI}mattext")
        assert stem.get("texttype") == "text/html" and html_to_text(stem.text).startswith(entry.question.stem)
        general = {f.get("ident"): f for f in item.iter(f"{QTI}itemfeedback")}["general_fb"]
        text = html_to_text(general.findtext(f".//{QTI}mattext"))
        assert entry.answer.explanation in text and "Ann Author, A Title & <More> (2020), paragraph 3" in text
    labels = {lab.get("ident"): html_to_text(lab.findtext(f".//{QTI}mattext"))
              for lab in items["n:single"].iter(f"{QTI}response_label")}
    assert labels == {"a": "Opt " + NASTY, "b": "Other {x}", "c": "C = d"}
    match = items["n:match"]
    prompts = {lid.get("ident"): lid.findtext(f"{QTI}material/{QTI}mattext")
               for lid in match.iter(f"{QTI}response_lid")}
    assert prompts == {"response_p1": "P1 " + NASTY, "response_p2": "P2 ~", "response_p3": "P3 #"}
    options = {lab.get("ident"): lab.findtext(f".//{QTI}mattext") for lab in match.iter(f"{QTI}response_label")}
    assert options == {"m1": "R1 " + NASTY, "m2": "R2 {}", "m3": "R3 :", "m4": "Distractor = ~"}


def _scoring_conditions(item):
    return [c for c in item.iter(f"{QTI}respcondition") if c.find(f"{QTI}setvar") is not None]


def test_response_processing_carries_the_key():
    quiz, key = nasty_quiz()
    items = items_by_id(assessment_root(package(quiz, key)), quiz, key)
    (single,) = _scoring_conditions(items["n:single"])
    assert single.findtext(f".//{QTI}varequal") == "a" and single.findtext(f"{QTI}setvar") == "100"
    *ticks, floor = _scoring_conditions(items["n:multi"])  # right minus wrong: +-100/k per ticked option, >= 0
    assert {c.findtext(f".//{QTI}varequal"): (c.find(f"{QTI}setvar").get("action"), c.findtext(f"{QTI}setvar"))
            for c in ticks} == {"a": ("Add", "33.3333"), "b": ("Add", "-33.3333"), "c": ("Add", "33.3333"),
                                "d": ("Add", "33.3333")}
    assert floor.findtext(f".//{QTI}varlt") == "0" and floor.findtext(f"{QTI}setvar") == "0"
    (tf,) = _scoring_conditions(items["n:tf"])
    assert tf.findtext(f".//{QTI}varequal") == "f"
    (short,) = _scoring_conditions(items["n:short"])
    assert [v.text for v in short.iter(f"{QTI}varequal")][:2] == ["Ans " + NASTY + " *star*", "Alpha"]
    (num,) = _scoring_conditions(items["n:num"])
    assert num.findtext(f".//{QTI}varequal") == "2017"
    assert (num.findtext(f".//{QTI}vargte"), num.findtext(f".//{QTI}varlte")) == ("2016", "2018")
    match = {c.find(f".//{QTI}varequal").get("respident"): c.findtext(f".//{QTI}varequal")
             for c in _scoring_conditions(items["n:match"])}
    assert match == {"response_p1": "m2", "response_p2": "m1", "response_p3": "m3"}
    order = {c.find(f".//{QTI}varequal").get("respident"): c.findtext(f".//{QTI}varequal")
             for c in _scoring_conditions(items["n:order"])}
    assert order == {"response_y": "pos1", "response_x": "pos2", "response_z": "pos3"}
    shares = [float(c.findtext(f"{QTI}setvar")) for c in _scoring_conditions(items["n:order"])]
    assert abs(sum(shares) - 100) < 0.05


def test_each_slot_becomes_a_canvas_question_group_picking_one():
    for quiz, key in (generated_quiz(n=4, variants=5), generated_quiz(n=4, variants=1), nasty_quiz()):
        root = assessment_root(package(quiz, key))
        groups = [s for s in root.iter(f"{QTI}section") if s.find(f"{QTI}selection_ordering") is not None]
        assert len(groups) == len(quiz.slots)
        entries = pool(quiz, key)
        for slot, group in zip(quiz.slots, groups):
            assert group.findtext(f".//{QTI}selection_number") == "1"
            mine = [e for e in entries if e.slot == slot.number]
            assert [i.get("ident") for i in group.findall(f"{QTI}item")] == [lms_id(e) for e in mine]
            assert float(group.findtext(f".//{QTI}points_per_item")) == mine[0].question.points


@pytest.fixture(scope="session")
def qti_dtd(tmp_path_factory):
    """The official IMS QTI 1.2.1 ASI DTD, from the pyslet sdist on PyPI (cached after the first run)."""
    cache = Path(os.environ.get("AFCOURSE_TEST_CACHE", Path.home() / ".cache" / "afcourse-tests"))
    target = cache / "ims_qtiasiv1p2p1.dtd"
    if not target.exists():
        where = tmp_path_factory.mktemp("pyslet")
        try:
            run = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                                  "--disable-pip-version-check", "-q", "-d", str(where), PYSLET],
                                 capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"could not fetch {PYSLET} for the QTI DTD: {exc}")
        sdists = list(where.glob("pyslet-*.tar.gz"))
        if run.returncode or not sdists:
            pytest.skip(f"could not fetch {PYSLET} for the QTI DTD: {run.stderr.strip()[-300:]}")
        with tarfile.open(sdists[0]) as archive:
            data = archive.extractfile(DTD_MEMBER).read()
        assert hashlib.sha256(data).hexdigest() == DTD_SHA256, "the DTD in the pyslet sdist is not the one expected"
        cache.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    # Canvas puts one vendor element inside <selection_extension> (declared ANY, which in a DTD means
    # any *declared* element): its question group's points. Declare it, and nothing else.
    return etree.DTD(io.BytesIO(target.read_bytes() + CANVAS_EXTENSION))


def _without_namespaces(root):
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    for name in list(root.attrib):
        del root.attrib[name]
    etree.cleanup_namespaces(root)
    return root


@pytest.mark.parametrize("build", [nasty_quiz, generated_quiz, lambda: generated_quiz(same_points=True)])
def test_assessment_is_valid_against_the_official_qti_dtd(qti_dtd, build):
    root = _without_namespaces(assessment_root(package(*build())))
    valid = qti_dtd.validate(root)
    assert valid, [str(e) for e in qti_dtd.error_log.filter_from_errors()][:5]


def test_the_dtd_check_catches_an_invalid_assessment(qti_dtd):
    root = _without_namespaces(assessment_root(package(*nasty_quiz())))
    item = next(root.iter("item"))
    etree.SubElement(item, "presentation")  # a second presentation, after the feedback: not allowed
    assert not qti_dtd.validate(root)
