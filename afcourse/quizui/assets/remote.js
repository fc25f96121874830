/* afcourse graded quiz against an `afcourse serve` server (no key ever reaches the page).
 *
 * The block <div class="afq-remote" data-server="URL"> is filled with the student's
 * variant from URL/api/quiz (the page's own server when data-server is empty). The
 * token comes from the page address (#token=...), which browsers never send to a
 * server, or is typed in; it travels in the Authorization header only, never in a
 * cookie. Every text from the quiz or the student is set with textContent: nothing is
 * parsed as HTML.
 *
 * Never losing an answer: each change is queued in localStorage under the identity the
 * server named (server, quiz and student: two students sharing a browser never share a
 * queue, and an entry is only ever sent with its own identity), then sent, oldest first.
 * An answer leaves the queue when the server acknowledged it, or refused it for good (a
 * 4xx reply that says why: shown next to the question, the answer left in place).
 * Anything else (no network, a timeout, 408, 425, 429, any 5xx, a proxy's error page)
 * is tried again with a growing pause. The status line counts only what the server
 * acknowledged.
 *
 * Numbers are read by the static quiz's reader (quiz.js's readNumber, the port of
 * afcourse/quiz/answers.py). An ordering has no answer until an element moves or "Keep
 * this order" is pressed. Submit first records what is typed in a box not yet left,
 * and waits until every answer is on the server. With a time limit the time left is
 * shown (counted by the server's clock, asked again every 5 minutes and at zero, so
 * extra time given meanwhile counts) and the quiz is submitted when it runs out.
 */
(function () {
  "use strict";

  var RETRY_MS = 1000, RETRY_MAX_MS = 30000, REQUEST_MS = 15000, DRAIN_MS = 20000, SYNC_MS = 300000;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function newId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function blank(v) {
    return v === null || v === undefined || (typeof v === "string" && !v.trim()) || (Array.isArray(v) && !v.length) ||
      (typeof v === "object" && !Array.isArray(v) && !Object.keys(v).length);
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  /* The number typed, as the notebook reads it: {value} (null for nothing typed) or {error}. */
  function readNumber(text, unit) {
    if (window.afcourseQuiz && window.afcourseQuiz.readNumber) return window.afcourseQuiz.readNumber(text, unit);
    return { error: "This page could not load its number reader: reload the page." };
  }

  /* A reply that refuses for good: a 4xx other than 408/425/429 whose JSON says why. A 401 (a login or token
     the server no longer accepts) is not final either: the answers wait until the student is known again. */
  function refusal(status, data) {
    if (status < 400 || status >= 500 || status === 401 || status === 408 || status === 425 || status === 429) return null;
    return data && typeof data.error === "string" && data.error ? data.error : null;
  }

  function Client(root) {
    var server = root.getAttribute("data-server") || "";
    if (server && server.slice(-1) !== "/") server += "/";
    this.root = root;
    this.server = server;
    this.status = root.querySelector(".afq-remote-status");
    var match = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
    this.token = match ? decodeURIComponent(match[1]) : (sessionStorage.getItem("afq-token:" + server) || "");
    this.inputs = [];
    this.pendingInput = [];   /* functions that record what a text box holds (for Submit) */
    this.refused = {};        /* item id -> the server's reason */
    this.sending = false;
    this.pause = RETRY_MS;
  }

  Client.prototype.say = function (text, kind) {
    this.status.textContent = text;
    this.status.setAttribute("data-state", kind || "");
  };

  /* One request: resolves with the JSON of a 2xx; rejects with {refused: reason, status, data} for a
     definite refusal, or {transient: text} for anything to be tried again. */
  Client.prototype.call = function (method, path, body) {
    var headers = { "Accept": "application/json" };
    if (this.token) headers["Authorization"] = "Bearer " + this.token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort ? setTimeout(function () { abort.abort(); }, REQUEST_MS) : null;
    return fetch(this.server + path, {
      method: method, headers: headers, credentials: this.server ? "omit" : "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body), signal: abort ? abort.signal : undefined
    }).then(function (reply) {
      return reply.json().then(function (data) { return { data: data, json: true }; },
                               function () { return { data: {}, json: false }; }).then(function (got) {
        clearTimeout(timer);
        if (reply.ok && got.json) return got.data;
        var reason = got.json ? refusal(reply.status, got.data) : null;
        if (reason) throw { refused: reason, status: reply.status, data: got.data };
        throw { transient: "the server answered " + reply.status + (reply.ok ? " without its data" : ""),
                status: reply.status, data: got.data };
      });
    }, function (err) {
      clearTimeout(timer);
      throw { transient: err && err.name === "AbortError" ? "no reply in time" : "no connection" };
    });
  };

  Client.prototype.askToken = function (message) {
    var self = this, form = el("form", { "class": "afq-token-form" });
    var label = el("label", { "for": "afq-token" }, message + " Paste the token from your link: ");
    var input = el("input", { id: "afq-token", type: "password", autocomplete: "off" });
    form.appendChild(label); form.appendChild(input); form.appendChild(el("button", { type: "submit" }, "Open the quiz"));
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      self.token = input.value.trim();
      sessionStorage.setItem("afq-token:" + self.server, self.token);
      form.remove();
      self.start();
    });
    this.root.appendChild(form);
  };

  Client.prototype.start = function () {
    var self = this;
    this.say("Loading the quiz\u2026");
    this.call("GET", "api/quiz").then(function (data) { self.show(data); }).catch(function (err) {
      if (err.status === 401) { self.say(err.data.error || "Who are you?", "error"); self.askToken("This quiz records your answers."); return; }
      if (err.refused) { self.say(err.refused, "error"); return; }
      self.say("The quiz server does not answer (" + err.transient + "); trying again\u2026", "offline");
      setTimeout(function () { self.start(); }, self.backoff());
    });
  };

  Client.prototype.backoff = function () {
    var wait = this.pause * (0.8 + 0.4 * Math.random());
    this.pause = Math.min(this.pause * 2, RETRY_MAX_MS);
    return wait;
  };

  /* ---- the queue: localStorage, one per identity ------------------------------------------------ */
  Client.prototype.readQueue = function () {
    var who = this.who;
    try {
      return JSON.parse(localStorage.getItem(this.queueKey) || "[]").filter(function (e) { return e.who === who; });
    } catch (e) { return []; }
  };

  Client.prototype.writeQueue = function (queue) {
    localStorage.setItem(this.queueKey, JSON.stringify(queue));
  };

  Client.prototype.adoptOldQueue = function () {
    /* Queues of earlier versions were per token; with a token they are this identity's. Hub pages shared one
       queue among users: its entries cannot be attributed and are never sent. */
    if (!this.token) return;
    var oldKey = "afq-queue:" + this.server + ":" + this.token.slice(-12), self = this;
    var old = null;
    try { old = JSON.parse(localStorage.getItem(oldKey) || "null"); } catch (e) { old = null; }
    if (!Array.isArray(old) || !old.length) return;
    var queue = this.readQueue();
    old.forEach(function (e) { queue.push({ item_id: e.item_id, response: e.response, client_id: e.client_id, who: self.who }); });
    this.writeQueue(queue);
    localStorage.removeItem(oldKey);
  };

  /* ---- the page ---------------------------------------------------------------------------------- */
  Client.prototype.show = function (data) {
    var self = this;
    this.pause = RETRY_MS;
    this.data = data;
    this.who = (this.server || location.origin + location.pathname) + "|" + data.quiz_id + "|" + data.student.id;
    this.queueKey = "afq-queue/2:" + this.who;
    this.adoptOldQueue();
    this.acked = {};
    Object.keys(data.responses || {}).forEach(function (k) { self.acked[k] = data.responses[k]; });
    this.responses = {};
    Object.keys(this.acked).forEach(function (k) { self.responses[k] = self.acked[k]; });
    this.readQueue().forEach(function (entry) { self.responses[entry.item_id] = entry.response; });
    var title = el("p", { "class": "afq-title" }, data.title);
    this.root.insertBefore(title, this.status);
    var who = el("p", { "class": "afq-remote-student" }, "Answering as " + (data.student.name || data.student.id));
    this.root.insertBefore(who, this.status);
    var timed = data.deadline && data.seconds_left !== null && data.seconds_left <= 86400;  /* a day away: no clock */
    if (timed) {
      this.timer = el("p", { "class": "afq-timer", role: "timer", "aria-live": "off" });
      this.root.insertBefore(this.timer, this.status);
    }
    data.questions.forEach(function (q, i) { self.root.insertBefore(self.question(q, i + 1, data.questions.length), self.status); });
    this.submitButton = el("button", { type: "button", "class": "afq-submit" }, "Submit");
    this.submitButton.addEventListener("click", function () { self.submit(); });
    this.root.appendChild(this.submitButton);
    if (data.submitted_at) this.lock("Submitted at " + data.submitted_at + ". Your answers are final.");
    else if (data.state === "closed") this.lock("This quiz is closed: answers are no longer taken.");
    else { this.flush(); if (timed) this.countdown(data.seconds_left); }
    if (data.feedback_released) this.feedback();
    window.addEventListener("online", function () { self.pause = RETRY_MS; self.flush(); });
  };

  Client.prototype.question = function (q, number, total) {
    var self = this, box = el("fieldset", { "class": "afq-q", "data-qid": q.id, "data-type": q.type });
    var legend = el("legend", { "class": "afq-legend" });
    legend.appendChild(el("span", { "class": "afq-num" }, "Question " + number + " of " + total + " "));
    legend.appendChild(el("span", { "class": "afq-stem" }, q.stem));
    box.appendChild(legend);
    var saved = this.responses[q.id], name = "afq-r-" + number;
    var note = el("p", { "class": "afq-save-note", role: "alert" });
    var changed = function (value) { self.answer(q.id, value); };
    if (q.type === "single_choice" || q.type === "true_false" || q.type === "multiple_select") {
      var multi = q.type === "multiple_select";
      var boxes = q.choices.map(function (c) {
        var label = el("label", { "class": "afq-option" });
        var input = el("input", { type: multi ? "checkbox" : "radio", name: name, value: c.id });
        input.checked = multi ? (saved || []).indexOf(c.id) >= 0 : saved === c.id;
        label.appendChild(input); label.appendChild(el("span", {}, " " + c.text));
        box.appendChild(label); self.inputs.push(input);
        return input;
      });
      boxes.forEach(function (input) {
        input.addEventListener("change", function () {
          if (!multi) { changed(input.value); return; }
          changed(boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }));
        });
      });
    } else if (q.type === "short_answer" || q.type === "numeric") {
      var label = el("label", { "for": name }, "Your answer" + (q.unit ? " (" + q.unit + ")" : "") + " ");
      var input = el("input", { id: name, type: "text", autocomplete: "off", "class": "afq-input" });
      input.value = saved === null || saved === undefined ? "" : String(saved);
      var record = function () {
        if (self.locked) return;
        var value;
        if (q.type === "numeric") {
          var read = readNumber(input.value, q.unit || null);
          if (read.error) { self.note(q.id, read.error); return; }
          value = read.value;
        } else {
          value = input.value.trim() === "" ? null : input.value;
        }
        self.note(q.id, "");
        if (!same(value === undefined ? null : value, self.responses[q.id] === undefined ? null : self.responses[q.id])) changed(value);
      };
      input.addEventListener("change", record);
      self.pendingInput.push(record);
      box.appendChild(label); box.appendChild(input); self.inputs.push(input);
    } else if (q.type === "ordering") {
      var order = saved && saved.length ? saved.slice() : q.choices.map(function (c) { return c.id; });
      var list = el("ol", { "class": "afq-order" });
      var text = {};
      q.choices.forEach(function (c) { text[c.id] = c.text; });
      var keep = el("button", { type: "button", "class": "afq-keep" }, "Keep this order");
      var hint = el("span", { "class": "afq-order-note" });
      var mark = function () {
        var answered = !blank(self.responses[q.id]);
        hint.textContent = answered ? "" : " No answer yet: move an element, or press Keep this order if it is right.";
        keep.disabled = self.locked || answered;
      };
      var draw = function () {
        list.textContent = "";
        order.forEach(function (id, i) {
          var li = el("li", { "class": "afq-order-item", "data-cid": id });
          li.appendChild(el("span", {}, text[id] + " "));
          [["\u2191 Up", -1], ["\u2193 Down", 1]].forEach(function (b) {
            var btn = el("button", { type: "button", "aria-label": b[0].slice(2) + ": " + text[id] }, b[0]);
            btn.disabled = self.locked || i + b[1] < 0 || i + b[1] >= order.length;
            btn.addEventListener("click", function () {
              var j = i + b[1], tmp = order[i]; order[i] = order[j]; order[j] = tmp;
              draw(); changed(order.slice()); mark();
            });
            li.appendChild(btn); self.inputs.push(btn);
          });
          list.appendChild(li);
        });
      };
      keep.addEventListener("click", function () { changed(order.slice()); mark(); });
      draw();
      box.appendChild(list);
      var row = el("p", {});
      row.appendChild(keep); row.appendChild(hint);
      box.appendChild(row); self.inputs.push(keep);
      mark();
    } else if (q.type === "matching") {
      var pairs = saved || {};
      q.prompts.forEach(function (p, i) {
        var row = el("div", { "class": "afq-match-row" });
        var select = el("select", { id: name + "-m" + i, "data-pid": p.id });
        select.appendChild(el("option", { value: "" }, "Choose\u2026"));
        q.choices.forEach(function (c) { select.appendChild(el("option", { value: c.id }, c.text)); });
        select.value = pairs[p.id] || "";
        select.addEventListener("change", function () {
          if (select.value) pairs[p.id] = select.value; else delete pairs[p.id];
          changed(Object.assign({}, pairs));
        });
        row.appendChild(el("label", { "for": name + "-m" + i }, p.text + " "));
        row.appendChild(select); box.appendChild(row); self.inputs.push(select);
      });
    }
    box.appendChild(note);
    box.appendChild(el("div", { "class": "afq-feedback", role: "status" }));
    return box;
  };

  /* A message next to one question (empty: none). */
  Client.prototype.note = function (itemId, text) {
    var node = this.root.querySelector('.afq-q[data-qid="' + CSS.escape(itemId) + '"] .afq-save-note');
    if (node) { node.textContent = text; node.setAttribute("data-state", text ? "error" : ""); }
  };

  Client.prototype.answer = function (itemId, value) {
    if (this.locked) return;
    this.responses[itemId] = value;
    delete this.refused[itemId];
    this.note(itemId, "");
    var queue = this.readQueue();
    queue.push({ item_id: itemId, response: value, client_id: newId(), who: this.who });
    this.writeQueue(queue);
    this.pause = RETRY_MS;
    this.flush();
  };

  /* Send the queue, oldest first; resolves when it stops (empty, or waiting to retry). */
  Client.prototype.flush = function () {
    var self = this;
    if (this.sending) return Promise.resolve();
    var queue = this.readQueue();
    if (!queue.length) { this.report(); return Promise.resolve(); }
    this.sending = true;
    var entry = queue[0];
    var done = function () {
      var rest = self.readQueue().filter(function (e) { return e.client_id !== entry.client_id; });
      self.writeQueue(rest);
    };
    return this.call("POST", "api/answer", { item_id: entry.item_id, response: entry.response, client_id: entry.client_id })
      .then(function () {
        self.acked[entry.item_id] = entry.response;
        done();
        self.sending = false;
        self.pause = RETRY_MS;
        return self.flush();
      }, function (err) {
        self.sending = false;
        if (err.refused) {
          done();
          self.refused[entry.item_id] = err.refused;
          self.note(entry.item_id, "Not saved: " + err.refused + (/[.!?]$/.test(err.refused) ? "" : ".") +
                    " Your answer is still shown here.");
          if (err.data && err.data.final) {
            self.lock(err.data.submitted_at ? "Time is up: your answers were submitted at " + err.data.submitted_at + "." : err.refused,
                      !!err.data.submitted_at);
            return;
          }
          return self.flush();
        }
        self.report(err.status === 401 ? "login" : err.transient);
        clearTimeout(self.retry);
        self.retry = setTimeout(function () { self.flush(); }, self.backoff());
      });
  };

  /* The status line: only answers the server acknowledged count as saved. */
  Client.prototype.report = function (trouble) {
    if (this.locked) return;
    var self = this, total = this.data.questions.length;
    var onServer = this.data.questions.filter(function (q) { return !blank(self.acked[q.id]); }).length;
    var waiting = this.readQueue().length;
    var refused = this.data.questions.map(function (q, i) { return self.refused[q.id] ? i + 1 : 0; }).filter(Boolean);
    if (refused.length) {
      this.say("Not saved: question" + (refused.length > 1 ? "s " : " ") + refused.join(", ") + " (see the message there). " +
               onServer + " of " + total + " answered on the server.", "error");
    } else if (waiting && trouble === "login") {
      this.say("Not saved: the server no longer accepts your login or token. " + waiting + " answer(s) are kept in " +
               "this browser: open your quiz link again (or log in again) to send them.", "error");
    } else if (waiting && trouble) {
      this.say("Offline: " + waiting + " answer(s) kept in this browser; they are sent when the server is back (" +
               trouble + "). " + onServer + " of " + total + " answered on the server.", "offline");
    } else if (waiting) {
      this.say("Sending " + waiting + " answer(s)\u2026 " + onServer + " of " + total + " answered on the server.", "sending");
    } else {
      this.say("Saved on the server (" + onServer + " of " + total + " answered). Press Submit when you are done.", "saved");
    }
  };

  /* Resolves true once every answer is on the server, false on a refusal or after `ms`. */
  Client.prototype.drain = function (ms) {
    var self = this, until = Date.now() + ms;
    return new Promise(function (resolve) {
      (function check() {
        if (Object.keys(self.refused).length) { resolve(false); return; }
        if (!self.readQueue().length && !self.sending) { resolve(true); return; }
        if (Date.now() > until) { resolve(false); return; }
        if (!self.sending) { clearTimeout(self.retry); self.flush(); }
        setTimeout(check, 100);
      })();
    });
  };

  Client.prototype.submit = function (automatic) {
    var self = this;
    if (this.locked || this.submitting) return Promise.resolve();
    this.submitting = true;
    this.pendingInput.forEach(function (record) { record(); });  /* a box typed in but not left yet */
    this.say(automatic ? "Time is up: submitting your answers\u2026" : "Submitting\u2026", "sending");
    return this.drain(automatic ? 60000 : DRAIN_MS).then(function (ok) {
      if (!ok && !automatic) {
        self.submitting = false;
        self.report();
        self.say("Not submitted: " + (Object.keys(self.refused).length ? "an answer was refused (see the question)."
                 : "some answers are not on the server yet. Try again when it is back."), "error");
        return;
      }
      return self.sendSubmit(automatic, 0);
    });
  };

  Client.prototype.sendSubmit = function (automatic, tries) {
    var self = this;
    return this.call("POST", "api/submit", {}).then(function (reply) {
      self.submitting = false;
      var up = !!(reply.at_time_limit || automatic);
      self.lock((up ? "Time is up: your answers were submitted at " : "Submitted at ") +
                reply.submitted_at + ". Your answers are final.", up);
      if (self.data.feedback === "after-submit") self.feedback();
    }, function (err) {
      if (err.refused && err.status === 409 && tries > 0) {  /* an earlier try got through; its reply was lost */
        return self.call("GET", "api/quiz").then(function (data) {
          self.submitting = false;
          if (data.submitted_at) self.lock("Submitted at " + data.submitted_at + ". Your answers are final.");
          else self.say("Not submitted: " + err.refused, "error");
        }, function () { self.submitting = false; self.say("Not submitted: " + err.refused, "error"); });
      }
      if (err.refused) {
        self.submitting = false;
        if ((err.data && err.data.final) || automatic) self.lock((automatic ? "Time is up: " : "") + err.refused, automatic);
        else self.say("Not submitted: " + err.refused, "error");
        return;
      }
      if (automatic || tries < 3) {
        self.say("Submitting: the server does not answer yet (" + err.transient + "); trying again\u2026", "offline");
        return new Promise(function (r) { setTimeout(r, self.backoff()); }).then(function () {
          return self.sendSubmit(automatic, tries + 1);
        });
      }
      self.submitting = false;
      self.say("Not submitted: the server does not answer (" + err.transient + "). Press Submit again when it is back.", "error");
    });
  };

  /* The time left, by the server's count; at zero the quiz submits itself. Extra time may be given during the
     attempt, so the clock asks the server again every SYNC_MS and before submitting at zero. */
  Client.prototype.countdown = function (secondsLeft) {
    var self = this, end = Date.now() + secondsLeft * 1000, synced = Date.now();
    var show = function (left) {
      var h = Math.floor(left / 3600), m = Math.floor(left / 60) % 60, s = left % 60;
      var two = function (n) { return (n < 10 ? "0" : "") + n; };
      self.timer.textContent = "Time left: " + (h ? h + ":" + two(m) : m) + ":" + two(s) +
        (left <= 60 && left > 0 ? " \u2014 your answers are submitted when it runs out" : "");
      self.timer.setAttribute("data-state", left <= 60 ? "low" : "");
    };
    var tick = function () {
      if (self.locked) return;  /* lock() has said why */
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      show(left);
      if (left > 0 && Date.now() - synced < SYNC_MS) { setTimeout(tick, 500); return; }
      synced = Date.now();
      self.call("GET", "api/quiz").then(function (data) {
        if (self.locked) return;
        if (data.submitted_at) { self.lock("Time is up: your answers were submitted at " + data.submitted_at + ".", true); return; }
        if (data.seconds_left === null || data.seconds_left === undefined) { self.timer.textContent = ""; return; }
        if (data.seconds_left > 0.5) { end = Date.now() + data.seconds_left * 1000; setTimeout(tick, 500); return; }
        self.submit(true);
      }, function () {
        if (left <= 0) self.submit(true);  /* it keeps trying */
        else setTimeout(tick, 500);
      });
    };
    tick();
  };

  /* Answers are final: every control off, the message in the status line (and, when the time ran out, in the
     clock's place at the top, where the student was looking). */
  Client.prototype.lock = function (message, timeUp) {
    this.locked = true;
    this.inputs.forEach(function (input) { input.disabled = true; });
    if (this.submitButton) this.submitButton.disabled = true;
    if (this.timer) {
      this.timer.textContent = timeUp ? message : "";
      this.timer.setAttribute("data-state", timeUp ? "up" : "");
    }
    Array.prototype.forEach.call(this.root.querySelectorAll(".afq-order-note"), function (n) { n.textContent = ""; });
    this.say(message, "submitted");
  };

  Client.prototype.feedback = function () {
    var self = this;
    this.call("GET", "api/feedback").then(function (data) {
      data.items.forEach(function (item) {
        var box = self.root.querySelector('.afq-q[data-qid="' + CSS.escape(item.item_id) + '"] .afq-feedback');
        if (!box) return;
        box.textContent = "";
        box.appendChild(el("p", { "class": "afq-verdict afq-" + item.status }, item.status + ": " + item.points + " of " + item.max_points));
        if (item.explanation) box.appendChild(el("p", {}, item.explanation));
      });
    }).catch(function () { /* not released yet */ });
  };

  window.afcourseRemote = { readNumber: readNumber, refusal: refusal };

  document.querySelectorAll(".afq-remote:not([data-started])").forEach(function (root) {
    root.setAttribute("data-started", "1");
    var client = new Client(root);
    client.start();  // with no token, a Hub login's cookie may identify the student; else the server says 401
  });
})();
