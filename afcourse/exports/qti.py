"""IMS QTI 1.2 content package (zip) in the form Canvas imports (Settings > Import course content >
QTI .zip file); other QTI 1.2 readers take the assessment file too.

**An instructor file: it holds the answer key** (response processing names the right answers),
as every LMS import does. Never hand it to students.

The zip holds exactly three files, each listed in the manifest:

- ``imsmanifest.xml``: one ``imsqti_xmlv1p2`` resource (the assessment) depending on one
  ``associatedcontent`` resource (Canvas's quiz settings);
- ``<ident>/<ident>.xml``: the ``questestinterop`` assessment; every item's ``ident`` is its stable
  LMS id (:func:`~afcourse.exports.common.lms_id`, the same for the same bank item and content in
  any export) and its title the readable stable name;
- ``<ident>/assessment_meta.xml``: title, points, shuffled answers, unpublished.

Canvas question types: ``multiple_choice_question``, ``true_false_question``,
``multiple_answers_question``, ``short_answer_question``, ``numerical_question`` (exact answer
with a margin) and ``matching_question``. Ordering items become matching questions: each element
is matched to "Position 1" ... "Position n" (1 = first), graded per element.

Multiple select is scored as the quiz scores it, in the response processing: by default each
right option ticked adds 100/k to SCORE and each wrong one takes 100/k away, never below 0
(Canvas's "partial credit with penalty"); ``all_or_nothing`` sets 100 only for the exact set;
``options`` adds 100/n for each option judged right. Short answers list the same accepted forms
as the Moodle export (:func:`~afcourse.exports.common.lms_short_answers`). A wrong option's
feedback carries the key's sentence on why it is wrong, when it has one.

Each slot becomes a section that selects one of its items (a Canvas question group "pick 1",
with the slot's points per item), in slot order: every student gets one question per slot,
as afcourse's own variants do, and a one-variant quiz is a group of one per question.

Question, option and feedback texts are HTML (``text/html``), escaped for HTML and again (by lxml)
for XML. Matching prompts and options are plain text (``text/plain``, XML-escaped only), as Canvas
shows matching columns as plain text.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Mapping

from lxml import etree

from afcourse.exports.common import (Entry, correct_answer, feedback_html, html_text, lms_entry, lms_name,
                                     lms_short_answers, matching_parts, multiple_select_shares, num, slot_points,
                                     slot_pools, xml_safe)
from afcourse.quiz.models import KeyFile, QuizFile

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

CANVAS_TYPES = {"single_choice": "multiple_choice_question", "true_false": "true_false_question",
                "multiple_select": "multiple_answers_question", "short_answer": "short_answer_question",
                "numeric": "numerical_question", "matching": "matching_question", "ordering": "matching_question"}


def assessment_ident(quiz: QuizFile) -> str:
    """An XML-name-safe, stable identifier for the quiz (its id may hold ``+`` and other characters)."""
    return "afcourse_" + hashlib.sha256(quiz.quiz_id.encode("utf-8")).hexdigest()[:24]


def render(quiz: QuizFile, key: KeyFile | None, sources: Mapping[str, str] | None = None) -> bytes:
    """The QTI package as zip bytes (byte-identical for the same quiz set)."""
    files = package_files(quiz, key, sources)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def package_files(quiz: QuizFile, key: KeyFile | None, sources: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """Zip member name -> bytes, manifest first."""
    slots = slot_pools(quiz, key)
    ident = assessment_ident(quiz)
    qti_path, meta_path = f"{ident}/{ident}.xml", f"{ident}/assessment_meta.xml"
    points = sum(slot_points(slot, entries) for slot, entries in slots)
    return {
        "imsmanifest.xml": _xml(_manifest(ident, qti_path, meta_path, quiz.title)),
        qti_path: _xml(assessment(quiz, slots, ident, sources)),
        meta_path: _xml(_meta(quiz, ident, points)),
    }


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _el(parent, tag: str, text: str | None = None, **attrs):
    element = etree.SubElement(parent, tag, **{k: xml_safe(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_safe(text)
    return element


def _manifest(ident: str, qti_path: str, meta_path: str, title: str):
    nsmap = {None: CP_NS, "xsi": XSI}
    root = etree.Element(f"{{{CP_NS}}}manifest", nsmap=nsmap, identifier=f"{ident}_manifest")
    root.set(f"{{{XSI}}}schemaLocation", f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd")
    metadata = _el(root, f"{{{CP_NS}}}metadata")
    _el(metadata, f"{{{CP_NS}}}schema", "IMS Content")
    _el(metadata, f"{{{CP_NS}}}schemaversion", "1.1.3")
    _el(root, f"{{{CP_NS}}}organizations")
    resources = _el(root, f"{{{CP_NS}}}resources")
    quiz_res = _el(resources, f"{{{CP_NS}}}resource", identifier=ident, type="imsqti_xmlv1p2")
    _el(quiz_res, f"{{{CP_NS}}}file", href=qti_path)
    _el(quiz_res, f"{{{CP_NS}}}dependency", identifierref=f"{ident}_meta")
    meta_res = _el(resources, f"{{{CP_NS}}}resource", identifier=f"{ident}_meta",
                   type="associatedcontent/imscc_xmlv1p1/learning-application-resource", href=meta_path)
    _el(meta_res, f"{{{CP_NS}}}file", href=meta_path)
    return root


def _meta(quiz: QuizFile, ident: str, points: float):
    root = etree.Element(f"{{{CANVAS_NS}}}quiz", nsmap={None: CANVAS_NS}, identifier=ident)
    c = lambda tag, text: _el(root, f"{{{CANVAS_NS}}}{tag}", text)  # noqa: E731
    c("title", quiz.title)
    c("description", f"<p>{html_text(quiz.title)}</p>")
    c("shuffle_answers", "true")
    c("scoring_policy", "keep_highest")
    c("quiz_type", "assignment")
    c("points_possible", num(points))
    c("show_correct_answers", "false")
    c("allowed_attempts", "1")
    c("available", "false")
    return root


def assessment(quiz: QuizFile, slots, ident: str, sources=None):
    """The ``questestinterop`` element: one assessment, a section per slot that selects one of its items."""
    root = etree.Element(f"{{{QTI_NS}}}questestinterop", nsmap={None: QTI_NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{QTI_NS} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd")
    body = _el(root, "assessment", ident=ident, title=quiz.title)
    _metadata(_el(body, "qtimetadata"), {"cc_maxattempts": "1"})
    section = _el(body, "section", ident="root_section")
    for slot, entries in slots:
        group = _el(section, "section", ident=f"{ident}_q{slot.number:02d}",
                    title=f"Question {slot.number} (pick 1 of {len(entries)})")
        selection = _el(_el(group, "selection_ordering"), "selection")
        _el(selection, "selection_number", "1")
        _el(_el(selection, "selection_extension"), "points_per_item", num(slot_points(slot, entries)))
        for entry in entries:
            group.append(item_element(lms_entry(entry), sources, quiz.scoring))
    return _qualify(root)


def _qualify(root):
    """Put every unqualified element into the QTI namespace (built unqualified for brevity)."""
    for element in root.iter():
        if isinstance(element.tag, str) and not element.tag.startswith("{"):
            element.tag = f"{{{QTI_NS}}}{element.tag}"
    return root


def _metadata(qtimetadata, fields: dict[str, str]) -> None:
    for label, entry in fields.items():
        field = _el(qtimetadata, "qtimetadatafield")
        _el(field, "fieldlabel", label)
        _el(field, "fieldentry", entry)


def _material(parent, html: str):
    material = _el(parent, "material")
    _el(material, "mattext", html, texttype="text/html")
    return material


def _feedback(item, ident: str, html: str) -> None:
    _material(_el(_el(item, "itemfeedback", ident=ident), "flow_mat"), html)


def item_element(entry: Entry, sources: Mapping[str, str] | None = None, rules=None):
    """One ``<item>``: Canvas metadata, presentation, response processing (SCORE 0..100), feedback."""
    q, key = entry.question, entry.answer.key
    item = etree.Element("item", ident=xml_safe(q.id), title=xml_safe(lms_name(entry)))
    qtype = CANVAS_TYPES[q.type]
    fields = {"question_type": qtype, "points_possible": num(q.points)}
    answer_ids: list[str] = []
    if q.type in ("single_choice", "true_false", "multiple_select"):
        answer_ids = [c.id for c in q.choices]
    fields["original_answer_ids"] = ",".join(answer_ids)
    _metadata(_el(_el(item, "itemmetadata"), "qtimetadata"), fields)
    presentation = _el(item, "presentation")
    stem = matching_parts(entry)[0] if q.type == "ordering" else q.stem
    _material(presentation, f"<p>{html_text(stem)}</p>")
    processing = etree.Element("resprocessing")
    _el(_el(processing, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    general = _el(processing, "respcondition", **{"continue": "Yes"})
    _el(_el(general, "conditionvar"), "other")
    _el(general, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
    feedback = {"general_fb": feedback_html(entry, sources)}
    wrong_note = f"<p>Not right. The answer: {html_text(correct_answer(entry))}.</p>"

    def condition(parent_var, respident: str, value: str):
        return _el(parent_var, "varequal", value, respident=respident)

    if q.type in ("single_choice", "true_false", "multiple_select"):
        multiple = q.type == "multiple_select"
        lid = _el(presentation, "response_lid", ident="response1", rcardinality="Multiple" if multiple else "Single")
        render_choice = _el(lid, "render_choice")
        for choice in q.choices:
            _material(_el(render_choice, "response_label", ident=choice.id), f"<p>{html_text(choice.text)}</p>")
        correct = set(key.correct) if multiple else {key.correct}
        rule = rules.multiple_select if rules is not None else "right_minus_wrong"
        for choice in q.choices:
            cond = _el(processing, "respcondition", **{"continue": "Yes"})
            condition(_el(cond, "conditionvar"), "response1", choice.id)
            _el(cond, "displayfeedback", feedbacktype="Response", linkrefid=f"{choice.id}_fb")
            ok = choice.id in correct
            note = ("<p>Right.</p>" if ok else wrong_note) if not multiple else (
                "<p>Yes, this is one of the answers.</p>" if ok else "<p>No, this is not one of the answers.</p>")
            if not ok and entry.answer.feedback.get(choice.id):
                note += f"<p>{html_text(entry.answer.feedback[choice.id])}</p>"
            feedback[f"{choice.id}_fb"] = note
        if multiple and rule != "all_or_nothing":
            shares = multiple_select_shares(entry) if rule == "right_minus_wrong" else None
            for choice in q.choices:
                cond = _el(processing, "respcondition", **{"continue": "Yes"})
                var = _el(cond, "conditionvar")
                if shares is not None:  # ticked: +100/k if right, -100/k if wrong
                    condition(var, "response1", choice.id)
                    _el(cond, "setvar", f"{100 * shares[choice.id]:.4f}", action="Add", varname="SCORE")
                else:  # "options": each option judged right (a right one ticked, a wrong one left) adds 100/n
                    condition(var if choice.id in correct else _el(var, "not"), "response1", choice.id)
                    _el(cond, "setvar", f"{100 / len(q.choices):.4f}", action="Add", varname="SCORE")
            floor = _el(processing, "respcondition", **{"continue": "No"})
            _el(_el(floor, "conditionvar"), "varlt", "0", respident="SCORE")
            _el(floor, "setvar", "0", action="Set", varname="SCORE")
            item.append(processing)
            for ident, html in feedback.items():
                if html:
                    _feedback(item, ident, html)
            return item
        final = _el(processing, "respcondition", **{"continue": "No"})
        var = _el(final, "conditionvar")
        if multiple:
            both = _el(var, "and")
            for choice in q.choices:
                if choice.id in correct:
                    condition(both, "response1", choice.id)
                else:
                    condition(_el(both, "not"), "response1", choice.id)
        else:
            condition(var, "response1", key.correct)
        _el(final, "setvar", "100", action="Set", varname="SCORE")
    elif q.type == "short_answer":
        response = _el(presentation, "response_str", ident="response1", rcardinality="Single")
        _el(_el(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
        final = _el(processing, "respcondition", **{"continue": "No"})
        var = _el(final, "conditionvar")
        for text in lms_short_answers(entry, rules):
            condition(var, "response1", text)
        _el(final, "setvar", "100", action="Set", varname="SCORE")
    elif q.type == "numeric":
        response = _el(presentation, "response_str", ident="response1", rcardinality="Single")
        _el(_el(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
        final = _el(processing, "respcondition", **{"continue": "No"})
        either = _el(_el(final, "conditionvar"), "or")
        condition(either, "response1", num(key.value))
        within = _el(either, "and")
        _el(within, "vargte", num(key.value - key.tolerance), respident="response1")
        _el(within, "varlte", num(key.value + key.tolerance), respident="response1")
        _el(final, "setvar", "100", action="Set", varname="SCORE")
    else:  # matching, and ordering as matching
        _, prompts, options, pairs = matching_parts(entry)
        share = f"{100 / len(prompts):.2f}"
        for prompt in prompts:
            lid = _el(presentation, "response_lid", ident=f"response_{prompt.id}")
            _el(_el(lid, "material"), "mattext", prompt.text, texttype="text/plain")
            render_choice = _el(lid, "render_choice")
            for option in options:
                label = _el(render_choice, "response_label", ident=option.id)
                _el(_el(label, "material"), "mattext", option.text, texttype="text/plain")
        for prompt in prompts:
            cond = _el(processing, "respcondition")
            condition(_el(cond, "conditionvar"), f"response_{prompt.id}", pairs[prompt.id])
            _el(cond, "setvar", share, varname="SCORE", action="Add")
    item.append(processing)
    for ident, html in feedback.items():
        if html:
            _feedback(item, ident, html)
    return item
