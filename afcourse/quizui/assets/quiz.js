/* afcourse self-check quiz: feedback in the page, no kernel, no network.
 *
 * The scoring below follows afcourse/quiz/scoring.py rule for rule (see its docstring):
 * all-or-nothing choices; multiple select right minus wrong (each 1/k, at least 0), by the share of options judged right, or
 * all-or-nothing; short answers compared after the same normalisation, names also
 * within a similarity ratio (the InDel ratio that rapidfuzz's fuzz.ratio computes);
 * numbers read by the rule of afcourse/quiz/answers.py (decimal comma or point, a
 * unit or %), within the key's tolerance; ordering by the share of pairs in the right
 * order; matching by the share of prompts matched. Feedback: a first wrong attempt
 * gets why the option picked is wrong (the key's per-option feedback) and the chapter
 * section to reread (linked), the answer comes with a right one, a second attempt or
 * "Show answer". The score keeps each question's first attempt ("Show answer" first
 * scores 0); a retry is practice and says so.
 * Known approximations (documented, outside what students type): Python's casefold is
 * toLowerCase plus the few folds listed in FOLDS; "combining" characters are Unicode
 * category Mn.
 */
(function () {
  "use strict";
  if (!window.afcourseQuiz) {
    window.afcourseQuiz = (function () {
      var WS = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
      var PUNCT = new RegExp("[^\\p{L}\\p{N}" + WS + "]|_", "gu");
      var SPACES = new RegExp("[" + WS + "]+", "g");
      var EDGES = new RegExp("^[" + WS + "]+|[" + WS + "]+$", "g");
      var FOLDS = { "\u00df": "ss", "\u03c2": "\u03c3" };
      var ARTICLE = /^(the|a|an) /;

      function pyStrip(text) { return text.replace(EDGES, ""); }

      function normalise(text) {
        var t = text.normalize("NFKD").replace(/\p{Mn}/gu, "").toLowerCase();
        t = t.replace(/[\u00df\u03c2]/g, function (ch) { return FOLDS[ch]; });
        t = t.replace(PUNCT, " ");
        t = pyStrip(t.replace(SPACES, " "));
        return t.replace(ARTICLE, "");
      }

      /* Similarity 0-100 from the InDel distance (insertions and deletions only), as
       * rapidfuzz.fuzz.ratio: 100 * (1 - (len1 + len2 - 2 * LCS) / (len1 + len2)). */
      function ratio(a, b) {
        var s = Array.from(a), t = Array.from(b);
        var total = s.length + t.length;
        if (total === 0) return 100;
        var prev = new Array(t.length + 1).fill(0), cur;
        for (var i = 1; i <= s.length; i++) {
          cur = new Array(t.length + 1).fill(0);
          for (var j = 1; j <= t.length; j++) {
            cur[j] = s[i - 1] === t[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
          }
          prev = cur;
        }
        var dist = total - 2 * prev[t.length];
        return 100 * (1 - dist / total);
      }

      /* Python's round(x, d): exact ties go to the even digit. */
      function pyRound(x, d) {
        if (!isFinite(x)) return x;
        var ax = Math.abs(x), full = ax.toFixed(100), dot = full.indexOf(".");
        var up = Number(ax.toFixed(d)), r = up;
        if (/^50*$/.test(full.slice(dot + 1 + d))) {
          var kept = full.slice(0, dot + 1 + d).replace(/\.$/, "");
          var last = kept.charAt(kept.length - 1);
          if (Number(last) % 2 === 0) r = Number(kept);
        }
        return x < 0 ? -r : r;
      }

      function fmtPoints(x) {
        return pyRound(x, 2).toFixed(2).replace(/0+$/, "").replace(/\.$/, "");
      }

      /* Digits of any script as ASCII (Unicode keeps decimal digits in runs of ten code points, 0 to 9). */
      function asciiDigits(text) {
        return Array.from(text).map(function (ch) {
          if (/[0-9]/.test(ch) || !/\p{Nd}/u.test(ch)) return ch;
          var cp = ch.codePointAt(0), before = 0;
          while (/\p{Nd}/u.test(String.fromCodePoint(cp - before - 1))) before++;
          return String(before % 10);
        }).join("");
      }

      /* ---- numbers as people type them: afcourse/quiz/answers.py, rule for rule ---------- */
      var PERCENT_UNITS = ["percent", "per cent", "%", "percentage"];
      var FRACTIONAL_UNITS = PERCENT_UNITS.concat(["years", "months", "weeks", "days", "hours", "minutes", "km",
        "kilometres", "kilometers", "miles", "metres", "meters", "kg", "kilograms", "tonnes", "tons", "dollars",
        "us dollars", "roubles", "rubles", "euros", "million", "billion", "million dollars", "billion dollars"]);
      var SPACE = new RegExp("^[" + WS + "]$");
      function EntryError(message) { this.message = message; }
      function isSpace(ch) { return ch !== "" && SPACE.test(ch); }
      function pyLower(text) { return text.toLowerCase(); }
      function unitForms(unit) {
        unit = pyLower(pyStrip(unit));
        var forms = [unit, unit + "s"];
        if (/ies$/.test(unit)) forms.push(unit.slice(0, -3) + "y");
        else if (/s$/.test(unit)) forms.push(unit.slice(0, -1));
        if (/y$/.test(unit)) forms.push(unit.slice(0, -1) + "ies");
        return unique(forms).sort(function (a, b) { return b.length - a.length || (a < b ? -1 : a > b ? 1 : 0); });
      }
      function expectsWholeNumber(unit) {
        return !!unit && FRACTIONAL_UNITS.indexOf(pyLower(pyStrip(unit))) < 0;
      }
      function endsWith(text, suffix) { return text.length >= suffix.length && text.slice(text.length - suffix.length) === suffix; }
      function stripUnit(text, unit) {
        var lowered = pyLower(text), i;
        var percent = !!unit && PERCENT_UNITS.indexOf(pyLower(pyStrip(unit))) >= 0;
        if (percent) {
          var suffixes = ["per cent", "percent", "%"];
          for (i = 0; i < suffixes.length; i++) {
            if (endsWith(lowered, suffixes[i])) return pyRstrip(text.slice(0, text.length - suffixes[i].length));
          }
        } else if (endsWith(lowered, "%")) {
          var wanted = unit && pyLower(pyStrip(unit)) === "year" ? "a year" : unit ? "a number of " + unit : "a number";
          throw new EntryError("This question asks for " + wanted + ", not a percentage: type the number without %.");
        }
        if (unit) {
          var forms = unitForms(unit);
          for (i = 0; i < forms.length; i++) {
            var form = forms[i], before = text.slice(text.length - form.length - 1, text.length - form.length);
            if (endsWith(lowered, form) && text.length > form.length && (isSpace(before) || /^[0-9]$/.test(before))) {
              return pyRstrip(text.slice(0, text.length - form.length));
            }
          }
        }
        return text;
      }
      function pyRstrip(text) { return text.replace(new RegExp("[" + WS + "]+$"), ""); }
      function pyLstrip(text) { return text.replace(new RegExp("^[" + WS + "]+"), ""); }
      function grouped(digits, mark) {
        return new RegExp("^[0-9]{1,3}(?:\\" + mark + "[0-9]{3})+$").test(digits);
      }

      /* The number typed: a number, null for no answer; throws EntryError with a message for the student. */
      function parseNumber(text, unit) {
        if (text === null || text === undefined) return null;
        var shown = pyStrip(String(text).replace(SPACES, " "));
        if (Array.from(shown).length > 40) shown = Array.from(shown).slice(0, 39).join("") + "\u2026";
        var t = pyStrip(asciiDigits(String(text).normalize("NFKC")));
        if (!t) return null;
        t = stripUnit(t, unit);
        var sign = 1;
        if (t.charAt(0) === "-" || t.charAt(0) === "\u2212" || t.charAt(0) === "+") {
          sign = t.charAt(0) === "+" ? 1 : -1;
          t = pyLstrip(t.slice(1));
        }
        var unreadable = new EntryError("\u201c" + shown + "\u201d is not a number the quiz can read: type digits, " +
          "with a point or a comma before any decimals (for example 25.5 or 25,5).");
        if (!/^[0-9., ]*[0-9][0-9., ]*$/.test(t)) {
          if (!/[0-9]/.test(t) || /\p{L}/u.test(t)) {
            throw new EntryError("Type the answer in digits (for example 1877): \u201c" + shown +
              "\u201d is not a number the quiz can read.");
          }
          throw unreadable;
        }
        var spaced = t.indexOf(" ") >= 0;
        if (spaced && !/^[0-9]{1,3}(?: [0-9]{3})+(?:[.,][0-9]*)?$/.test(t)) throw unreadable;
        t = t.replace(/ /g, "");
        var marks = Array.from(t).filter(function (ch) { return ch === "." || ch === ","; });
        var kinds = unique(marks);
        var decimal = null, whole, frac, cut;
        if (kinds.length === 2) {
          decimal = marks[marks.length - 1];
          if (marks.filter(function (m) { return m === decimal; }).length !== 1) throw unreadable;
        } else if (kinds.length === 1 && marks.length === 1) {
          cut = t.indexOf(marks[0]);
          whole = t.slice(0, cut); frac = t.slice(cut + 1);
          var ambiguous = !spaced && whole.length >= 1 && whole.length <= 3 && whole.charAt(0) !== "0" && frac.length === 3;
          if (!ambiguous) decimal = marks[0];
          else if (!expectsWholeNumber(unit)) {
            var fraction = whole + "." + (frac.replace(/0+$/, "") || "0");
            throw new EntryError("\u201c" + shown + "\u201d could mean " + whole + frac + " or " + fraction + ": type " +
              whole + frac + " for the first, or " + fraction + " for the second.");
          }
        }
        if (decimal !== null) {
          cut = t.lastIndexOf(decimal);
          whole = t.slice(0, cut); frac = t.slice(cut + 1);
        } else {
          whole = t; frac = "";
        }
        var group = [".", ","].filter(function (ch) { return ch !== decimal && whole.indexOf(ch) >= 0; })[0];
        if (group !== undefined) {
          if (!grouped(whole, group)) throw unreadable;
          whole = whole.split(group).join("");
        }
        if (!/^[0-9]*$/.test(whole) || !/^[0-9]*$/.test(frac) || !(whole || frac)) throw unreadable;
        var value = sign * Number((whole || "0") + "." + (frac || "0"));
        if (!isFinite(value)) throw new EntryError("\u201c" + shown + "\u201d is too large a number to be the answer.");
        return value;
      }
      /* parseNumber's outcome as data: {value} or {error} (for the page and the parity test). */
      function readNumber(text, unit) {
        try { return { value: parseNumber(text, unit) }; } catch (exc) {
          if (exc instanceof EntryError) return { error: exc.message };
          throw exc;
        }
      }
      function Invalid(message) { this.message = message; }
      function isList(v) { return Array.isArray(v); }
      function isStr(v) { return typeof v === "string"; }
      function isPlainObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
      function isEmpty(r) {
        return r === null || r === undefined || (isStr(r) && pyStrip(r) === "") || (isList(r) && r.length === 0) ||
          (isPlainObject(r) && Object.keys(r).length === 0);
      }
      function choiceIds(q) { return (q.choices || []).map(function (c) { return c.id; }); }
      function ids(response, q, what) {
        if (!isList(response) || !response.every(isStr)) throw new Invalid("expected a list of " + what + " ids");
        var known = choiceIds(q);
        var unknown = response.filter(function (r) { return known.indexOf(r) < 0; });
        if (unknown.length) throw new Invalid("unknown choice id(s): " + unknown.join(", "));
        return response;
      }
      function unique(list) { return list.filter(function (v, i) { return list.indexOf(v) === i; }); }
      function sortedCopy(list) { return list.slice().sort(); }

      function fraction(q, key, response, rules) {
        var right, wrong, detail, i, j;
        if (key.kind === "choice") {
          if (!isStr(response)) throw new Invalid("expected one choice id");
          if (choiceIds(q).indexOf(response) < 0) throw new Invalid("unknown choice id: " + response);
          return [response === key.correct ? 1 : 0, ""];
        }
        if (key.kind === "multi") {
          var picked = unique(ids(response, q, "choice"));
          right = picked.filter(function (p) { return key.correct.indexOf(p) >= 0; }).length;
          wrong = picked.length - right;
          detail = right + " of " + key.correct.length + " correct options chosen, " + wrong + " wrong";
          if (rules.multiple_select === "all_or_nothing") {
            var same = picked.length === unique(key.correct).length && right === picked.length;
            return [same ? 1 : 0, detail];
          }
          if (rules.multiple_select === "right_minus_wrong") {
            return [Math.max(0, (right - wrong) / unique(key.correct).length), detail];
          }
          var options = (q.choices || []).length;
          return [(right + (options - key.correct.length - wrong)) / options, detail];
        }
        if (key.kind === "text") {
          if (!isStr(response)) throw new Invalid("expected text");
          var given = normalise(response);
          var accepted = key.accepted.map(normalise);
          if (accepted.indexOf(given) >= 0) return [1, ""];
          var parts = function (t) { return JSON.stringify(t.split(" ").sort()); };  /* "Lavrov Sergei" */
          if (key.fuzzy && accepted.some(function (a) { return parts(a) === parts(given); })) return [1, ""];
          if (key.fuzzy && Array.from(given).length >= 4) {
            var best = Math.max.apply(null, accepted.map(function (a) { return ratio(given, a); }));
            if (best >= rules.fuzzy_threshold) return [1, "accepted with a small spelling difference"];
          }
          return [0, ""];
        }
        if (key.kind === "numeric") {
          if (typeof response === "boolean" || (typeof response !== "number" && !isStr(response))) {
            throw new Invalid("expected a number");
          }
          var value = response;
          if (isStr(response)) {
            var read = readNumber(response, q.unit);
            if (read.error !== undefined) throw new Invalid(read.error);
            value = read.value;
          }
          if (value === null) throw new Invalid("no number given");
          if (!isFinite(value)) throw new Invalid("not a finite number");
          return [Math.abs(value - key.value) <= key.tolerance ? 1 : 0, ""];
        }
        if (key.kind === "order") {
          var order = ids(response, q, "element");
          if (JSON.stringify(sortedCopy(order)) !== JSON.stringify(sortedCopy(key.order))) {
            throw new Invalid("an ordering must list every element exactly once");
          }
          var agree = 0, pairs = 0;
          for (i = 0; i < key.order.length; i++) {
            for (j = i + 1; j < key.order.length; j++) {
              pairs++;
              if (order.indexOf(key.order[i]) < order.indexOf(key.order[j])) agree++;
            }
          }
          detail = agree + " of " + pairs + " pairs in the right order";
          if (rules.ordering === "all_or_nothing") {
            return [JSON.stringify(order) === JSON.stringify(key.order) ? 1 : 0, detail];
          }
          return [agree / pairs, detail];
        }
        if (key.kind === "match") {
          if (!isPlainObject(response) || !Object.keys(response).every(function (k) { return isStr(response[k]); })) {
            throw new Invalid("expected prompt id -> choice id pairs");
          }
          var unknownPrompts = Object.keys(response).filter(function (p) {
            return !Object.prototype.hasOwnProperty.call(key.pairs, p);
          }).sort();
          if (unknownPrompts.length) throw new Invalid("unknown prompt id(s): " + unknownPrompts.join(", "));
          var prompts = Object.keys(key.pairs);
          right = prompts.filter(function (p) { return response[p] === key.pairs[p]; }).length;
          detail = right + " of " + prompts.length + " matched";
          if (rules.matching === "all_or_nothing") return [right === prompts.length ? 1 : 0, detail];
          return [right / prompts.length, detail];
        }
        throw new Error("unknown key kind " + key.kind);
      }

      /* The same result as afcourse.quiz.scoring.score: {item_id, points, max_points, status, detail}. */
      function score(q, key, response, rules) {
        var full = q.points === undefined ? 1 : q.points;
        var result = { item_id: q.id, points: 0, max_points: full, status: "unanswered", detail: "" };
        if (isEmpty(response)) return result;
        var f;
        try {
          f = fraction(q, key, response, rules || {});
        } catch (exc) {
          if (exc instanceof Invalid) { result.status = "invalid"; result.detail = exc.message; return result; }
          throw exc;
        }
        result.status = f[0] >= 1 ? "correct" : f[0] <= 0 ? "incorrect" : "partial";
        result.points = pyRound(full * f[0], 4);
        result.detail = f[1];
        return result;
      }

      /* The verdict, naming the right answer once it is revealed (controller.verdict words it the same). */
      function verdict(r, answer) {
        var of = fmtPoints(r.points) + " of " + fmtPoints(r.max_points) + " point" + (r.max_points === 1 ? "" : "s");
        var text, d = r.detail || "";
        if (r.status === "correct") text = "Correct (" + of + ").";
        else if ((r.status === "partial" || r.status === "incorrect") && !answer) text = "Not quite (" + of + ").";
        else if (r.status === "partial") text = "Partly correct (" + of + ").";
        else if (r.status === "incorrect") text = "Incorrect (" + of + ").";
        else if (r.status === "unanswered") text = answer ? "No answer given." : "No answer yet: answer the question, then check it.";
        else text = "This answer cannot be graded. " + d.charAt(0).toUpperCase() + d.slice(1) + (/\.$/.test(d) ? "" : ".");
        return answer ? text + " The right answer: " + answer + (/\.$/.test(answer) ? "" : ".") : text;
      }
      function counts(r) { return r.status === "correct" || r.status === "partial" || r.status === "incorrect"; }

      /* controller.practice_text and controller.read_as, worded the same */
      function practiceText(first, max) {
        return "Practice attempt, not scored: your score keeps your first attempt (" + fmtPoints(first) + " of " +
          fmtPoints(max) + " point" + (max === 1 ? "" : "s") + ").";
      }
      function numberText(x) { return pyRound(x, 6).toFixed(6).replace(/0+$/, "").replace(/\.$/, ""); }
      function readAs(typed, value, unit) {
        if (value === null || value === undefined || typed === null) return "";
        var shown = numberText(value);
        if (pyStrip(String(typed)) === shown) return "";
        return "Read as " + shown + (unit && unit !== "year" ? " " + unit : "") + ".";
      }
      function showEntry(block, text, isError) {
        var node = block.querySelector(".afq-entry");
        if (!node) return;
        node.textContent = text || "";
        node.classList.toggle("afq-read", !isError);
      }

      /* ---- the page ---------------------------------------------------------------------- */
      function el(tag, cls, text) {
        var node = document.createElement(tag);
        if (cls) node.className = cls;
        if (text !== undefined) node.textContent = text;
        return node;
      }

      /* "Source: Aliyev 2020, ¶19." Each citation links to its paragraph on the book's
         Sources page when the page names that page (<meta name="afcourse-sources">). */
      var sourcesMeta = document.querySelector('meta[name="afcourse-sources"]');
      function citationLine(info) {
        var line = el("p", "afq-citation", info.citations.length > 1 ? "Sources: " : "Source: ");
        info.citations.forEach(function (text, i) {
          if (i) line.appendChild(document.createTextNode("; "));
          var anchor = (info.citation_anchors || [])[i];
          if (sourcesMeta && anchor) {
            var link = el("a", "afq-cite", text);
            link.href = sourcesMeta.getAttribute("content") + "#" + anchor;
            line.appendChild(link);
          } else {
            line.appendChild(document.createTextNode(text));
          }
        });
        line.appendChild(document.createTextNode("."));
        return line;
      }

      function storage() {
        try { var s = window.localStorage; s.getItem("x"); return s; } catch (e) { return null; }
      }

      function mount(root) {
        if (root.getAttribute("data-afq-mounted")) return;
        root.setAttribute("data-afq-mounted", "1");
        var data = JSON.parse(root.querySelector("script.afq-data").textContent);
        var store = storage();
        var storeKey = "afcourse-quiz:" + window.location.pathname + ":" + data.quiz_id + ":" + data.variant_id;
        var state = fresh();
        function fresh() { return { responses: {}, checked: {}, attempts: {}, revealed: {}, first: {} }; }
        var results = {};
        var byId = {};
        data.questions.forEach(function (q) { byId[q.id] = q; });
        var blocks = Array.prototype.slice.call(root.querySelectorAll("fieldset.afq-q"));
        var scoreNode = root.querySelector(".afq-score");

        /* The answer key a printed chapter ends with (hidden on screen; quiz.css shows it in print). */
        if (!root.querySelector(".afq-print-key")) {
          var printKey = el("section", "afq-print-key", "");
          printKey.appendChild(el("p", "afq-print-key-title", "Answer key"));
          var keyList = document.createElement("ol");
          blocks.forEach(function (block) {
            var info = data.keys[block.getAttribute("data-qid")] || {};
            var item = document.createElement("li");
            item.appendChild(el("strong", "", info.answer || ""));
            if (info.explanation) item.appendChild(document.createTextNode(" \u2014 " + info.explanation));
            keyList.appendChild(item);
          });
          printKey.appendChild(keyList);
          root.appendChild(printKey);
        }

        function read(block) {
          var q = byId[block.getAttribute("data-qid")];
          var inputs;
          switch (q.type) {
            case "single_choice": case "true_false":
              var on = block.querySelector("input:checked");
              return on ? on.value : null;
            case "multiple_select":
              inputs = block.querySelectorAll("input:checked");
              return Array.prototype.map.call(inputs, function (i) { return i.value; });
            case "short_answer": case "numeric":
              return block.querySelector("input.afq-input").value;
            case "ordering":
              return Array.prototype.map.call(block.querySelectorAll("li.afq-order-item"),
                function (li) { return li.getAttribute("data-cid"); });
            case "matching":
              var pairs = {};
              Array.prototype.forEach.call(block.querySelectorAll("select"), function (s) {
                if (s.value) pairs[s.getAttribute("data-pid")] = s.value;
              });
              return pairs;
          }
          return null;
        }

        function write(block, value) {
          var q = byId[block.getAttribute("data-qid")];
          if (value === null || value === undefined) return;
          if (q.type === "single_choice" || q.type === "true_false" || q.type === "multiple_select") {
            var wanted = isList(value) ? value : [value];
            Array.prototype.forEach.call(block.querySelectorAll("input"), function (i) {
              i.checked = wanted.indexOf(i.value) >= 0;
            });
          } else if (q.type === "short_answer" || q.type === "numeric") {
            block.querySelector("input.afq-input").value = String(value);
          } else if (q.type === "ordering" && isList(value)) {
            var list = block.querySelector("ol.afq-order");
            value.forEach(function (cid) {
              var li = list.querySelector('li[data-cid="' + CSS.escape(cid) + '"]');
              if (li) list.appendChild(li);
            });
          } else if (q.type === "matching" && isPlainObject(value)) {
            Array.prototype.forEach.call(block.querySelectorAll("select"), function (s) {
              s.value = value[s.getAttribute("data-pid")] || "";
            });
          }
        }

        function save() {
          if (!store) return;
          try { store.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* full or blocked: keep going */ }
        }

        function setLocked(block, locked, revealed) {
          Array.prototype.forEach.call(block.querySelectorAll("input, select, button.afq-up, button.afq-down"),
            function (c) { c.disabled = locked; });
          block.classList.toggle("afq-locked", locked);
          block.querySelector("button.afq-check").hidden = locked;
          block.querySelector("button.afq-retry").hidden = !locked || revealed;
          block.querySelector("button.afq-show").hidden = revealed;
        }

        function showScore() {  /* first attempts only: retries are practice */
          var points = 0, total = 0, checked = 0;
          data.questions.forEach(function (q) {
            total += q.points;
            if (typeof state.first[q.id] === "number") { points += state.first[q.id]; checked++; }
          });
          scoreNode.textContent = "Score: " + fmtPoints(pyRound(points, 4)) + " of " + fmtPoints(total) +
            " points on first attempts (" + checked + " of " + data.questions.length + " questions checked)";
        }

        /* the hint's section heading: on this page, or on its chapter's page beside the Sources page */
        function hintLine(info) {
          var line = el("p", "afq-hint", info.hint);
          var section = info.hint_section;
          if (section && sourcesMeta) {
            var base = sourcesMeta.getAttribute("content").replace(/sources(\.html)?$/, "");
            var here = window.location.pathname.replace(/\.html$/, "").endsWith("/" + section.doc);
            var link = el("a", "afq-cite", "Go to the section.");
            link.href = (here ? "" : base + section.doc + ".html") + "#" + section.anchor;
            line.appendChild(document.createTextNode(" "));
            line.appendChild(link);
          }
          return line;
        }

        /* Show one question's result: a hint after a first wrong attempt, else (revealed) the answer too. */
        function render(block, r, reveal, practice) {
          var qid = block.getAttribute("data-qid"), info = data.keys[qid];
          var box = block.querySelector(".afq-feedback");
          box.textContent = "";
          box.className = "afq-feedback afq-" + r.status;
          var entry = block.querySelector(".afq-entry");
          if (entry) entry.textContent = "";  /* the verdict says it now */
          box.appendChild(el("p", "afq-verdict", verdict(r, reveal ? info.answer : "")));
          if (practice) box.appendChild(el("p", "afq-practice", practice));
          if (counts(r) && info.feedback) {  /* why each option picked is wrong */
            var picked = state.responses[qid];
            (isList(picked) ? picked : [picked]).forEach(function (cid) {
              if (isStr(cid) && info.feedback[cid]) box.appendChild(el("p", "afq-why", info.feedback[cid]));
            });
          }
          if (!reveal && counts(r)) box.appendChild(hintLine(info));
          if (counts(r) && r.detail) box.appendChild(el("p", "afq-detail", r.detail.charAt(0).toUpperCase() + r.detail.slice(1) + "."));
          if (reveal) {
            box.appendChild(el("p", "afq-explanation", info.explanation));
            box.appendChild(citationLine(info));
          }
        }

        /* Grade the question; reveal when asked, when right, or on a second graded attempt. */
        function grade(block, byUser, reveal) {
          var qid = block.getAttribute("data-qid"), q = byId[qid], info = data.keys[qid];
          var response = read(block);
          state.responses[qid] = response;
          var r = score(q, info.key, response, data.scoring);
          var entry = block.querySelector("input.afq-number");
          if (byUser && !reveal && entry && r.status === "invalid") {  /* keep the entry's own message */
            var got = readNumber(entry.value, q.unit);
            if (got.error) { showEntry(block, got.error, true); return r; }
          }
          var asked = reveal, practice = "";
          if (byUser && counts(r) && !reveal) {
            reveal = r.status === "correct" || (state.attempts[qid] || 0) >= 1;
            if (!reveal) state.attempts[qid] = (state.attempts[qid] || 0) + 1;
          }
          if (byUser && (counts(r) || reveal)) {
            if (typeof state.first[qid] === "number") practice = practiceText(state.first[qid], r.max_points);
            else state.first[qid] = counts(r) && !asked ? r.points : 0;
          }
          render(block, r, reveal, practice);
          if (counts(r) || reveal) {
            results[qid] = r;
            state.checked[qid] = true;
            if (reveal) state.revealed[qid] = true;
            var hadFocus = block.contains(document.activeElement);
            setLocked(block, true, reveal);
            if (byUser && hadFocus) {  /* the focus stays in the question */
              var next = block.querySelector(reveal ? ".afq-feedback" : "button.afq-retry");
              if (reveal) next.setAttribute("tabindex", "-1");
              next.focus();
            }
          } else {
            delete results[qid];
            delete state.checked[qid];
          }
          save();
          showScore();
          return r;
        }
        function check(block, byUser) {
          var qid = block.getAttribute("data-qid");
          return grade(block, byUser, !byUser && !!state.revealed[qid]);
        }

        function retry(block, quiet) {
          var qid = block.getAttribute("data-qid");
          delete results[qid];
          delete state.checked[qid];
          delete state.revealed[qid];
          var box = block.querySelector(".afq-feedback");
          box.textContent = "";
          box.className = "afq-feedback";
          setLocked(block, false, false);
          save();
          showScore();
          var first = block.querySelector("input, select, button.afq-up");
          if (first && !quiet) first.focus();
        }

        function move(li, step) {
          var list = li.parentNode;
          if (step < 0 && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
          else if (step > 0 && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
        }

        blocks.forEach(function (block) {
          var qid = block.getAttribute("data-qid");
          block.addEventListener("click", function (event) {
            var button = event.target.closest("button");
            if (!button || !block.contains(button)) return;
            if (button.classList.contains("afq-check")) check(block, true);
            else if (button.classList.contains("afq-show")) grade(block, true, true);
            else if (button.classList.contains("afq-retry")) retry(block);
            else if (button.classList.contains("afq-up") || button.classList.contains("afq-down")) {
              move(button.closest("li"), button.classList.contains("afq-up") ? -1 : 1);
              button.focus();
              state.responses[qid] = read(block);
              save();
            }
          });
          /* A press on Check or Show starts before the field's change event: showing or clearing the
             entry message then would move the button from under the pointer and lose the click. */
          var pressing = false;
          block.addEventListener("pointerdown", function (event) {
            pressing = Boolean(event.target.closest("button.afq-check, button.afq-show"));
          });
          block.addEventListener("click", function () { pressing = false; });
          block.addEventListener("change", function (event) {
            state.responses[qid] = read(block);
            save();
            if (event.target.matches("input.afq-number") && !pressing) {  /* say at once why a number cannot be read, or how it was read */
              var got = readNumber(event.target.value, byId[qid].unit);
              showEntry(block, got.error || readAs(event.target.value, got.value, byId[qid].unit), !!got.error);
            }
          });
          block.addEventListener("input", function (event) {
            pressing = false;
            state.responses[qid] = read(block);
            save();
            var entry = block.querySelector(".afq-entry");
            if (entry && entry.textContent && event.target.matches("input.afq-number")
                && !readNumber(event.target.value, byId[qid].unit).error) {
              entry.textContent = "";  /* the number now reads: the message goes while the student types */
            }
          });
          block.addEventListener("keydown", function (event) {
            if (event.key === "Enter" && event.target.matches("input.afq-input")) { event.preventDefault(); check(block, true); }
          });
        });

        root.querySelector("button.afq-reset").addEventListener("click", function () {
          state = fresh();
          if (store) { try { store.removeItem(storeKey); } catch (e) { /* ignore */ } }
          blocks.forEach(function (block) {
            var q = byId[block.getAttribute("data-qid")];
            delete state.attempts[block.getAttribute("data-qid")];
            retry(block, true);
            Array.prototype.forEach.call(block.querySelectorAll("input"), function (i) {
              if (i.type === "text") i.value = ""; else i.checked = false;
            });
            Array.prototype.forEach.call(block.querySelectorAll("select"), function (s) { s.value = ""; });
            if (q.type === "ordering") write(block, choiceIds(q));
          });
          save();
          showScore();
        });

        /* restore the reader's progress on this page */
        var saved = null;
        if (store) { try { saved = JSON.parse(store.getItem(storeKey) || "null"); } catch (e) { saved = null; } }
        if (saved && isPlainObject(saved.responses)) {
          state = fresh();
          state.responses = saved.responses;
          ["checked", "attempts", "revealed", "first"].forEach(function (part) {
            if (isPlainObject(saved[part])) state[part] = saved[part];
          });
          blocks.forEach(function (block) {
            var qid = block.getAttribute("data-qid");
            write(block, state.responses[qid]);
            if (state.checked[qid]) check(block);
          });
        }
        showScore();
      }

      function mountAll() {
        Array.prototype.forEach.call(document.querySelectorAll("div.afq"), function (root) {
          try { mount(root); } catch (e) { if (window.console) console.warn("afcourse quiz:", e); }
        });
      }

      return { normalise: normalise, ratio: ratio, readNumber: readNumber, pyRound: pyRound, score: score,
               verdict: verdict, fmtPoints: fmtPoints, mount: mount, mountAll: mountAll };
    })();
  }
  window.afcourseQuiz.mountAll();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", window.afcourseQuiz.mountAll);
  }
})();
