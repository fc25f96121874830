/* afcourse graded quiz against an `afcourse serve` server (no key ever reaches the page).
 *
 * The block <div class="afq-remote" data-server="URL"> is filled with the student's
 * variant from URL/api/quiz (the page's own server when data-server is empty). The
 * token comes from the page address (#token=...), which browsers never send to a
 * server, or is typed in; it travels in the Authorization header only, never in a
 * cookie. Each change is queued in localStorage with its own id, then sent; while the
 * server cannot be reached the status line says how many answers wait, and they are
 * sent, oldest first, when it answers again (the server stores a resent id once).
 * Every text from the quiz or the student is set with textContent: nothing is parsed
 * as HTML.
 */
(function () {
  "use strict";

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

  function Client(root) {
    var server = root.getAttribute("data-server") || "";
    if (server && server.slice(-1) !== "/") server += "/";
    this.root = root;
    this.server = server;
    this.status = root.querySelector(".afq-remote-status");
    var match = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
    this.token = match ? decodeURIComponent(match[1]) : (sessionStorage.getItem("afq-token:" + server) || "");
    this.queueKey = "afq-queue:" + server + ":" + this.token.slice(-12);
    this.queue = JSON.parse(localStorage.getItem(this.queueKey) || "[]");
    this.inputs = [];
    this.sending = false;
  }

  Client.prototype.say = function (text, kind) {
    this.status.textContent = text;
    this.status.setAttribute("data-state", kind || "");
  };

  Client.prototype.call = function (method, path, body) {
    var headers = { "Accept": "application/json" };
    if (this.token) headers["Authorization"] = "Bearer " + this.token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(this.server + path, {
      method: method, headers: headers, credentials: this.server ? "omit" : "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (reply) {
      return reply.json().catch(function () { return {}; }).then(function (data) {
        if (!reply.ok) { var e = new Error(data.error || ("HTTP " + reply.status)); e.refused = true; throw e; }
        return data;
      });
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
      if (err.refused && /token/.test(err.message)) { self.say(err.message, "error"); self.askToken("This quiz records your answers."); return; }
      self.say(err.refused ? err.message : "The quiz server does not answer: " + err.message, "error");
    });
  };

  Client.prototype.show = function (data) {
    var self = this;
    this.data = data;
    this.responses = data.responses || {};
    this.queue.forEach(function (entry) { self.responses[entry.item_id] = entry.response; });
    var title = el("p", { "class": "afq-title" }, data.title);
    this.root.insertBefore(title, this.status);
    var who = el("p", { "class": "afq-remote-student" }, "Answering as " + (data.student.name || data.student.id));
    this.root.insertBefore(who, this.status);
    data.questions.forEach(function (q, i) { self.root.insertBefore(self.question(q, i + 1, data.questions.length), self.status); });
    this.submitButton = el("button", { type: "button", "class": "afq-submit" }, "Submit");
    this.submitButton.addEventListener("click", function () { self.submit(); });
    this.root.appendChild(this.submitButton);
    if (data.submitted_at) this.lock("Submitted at " + data.submitted_at + ". Your answers are final.");
    else if (data.state === "closed") this.lock("This quiz is closed: answers are no longer taken.");
    else this.flush();
    if (data.feedback_released) this.feedback();
    window.addEventListener("online", function () { self.flush(); });
  };

  Client.prototype.question = function (q, number, total) {
    var self = this, box = el("fieldset", { "class": "afq-q", "data-qid": q.id, "data-type": q.type });
    var legend = el("legend", { "class": "afq-legend" });
    legend.appendChild(el("span", { "class": "afq-num" }, "Question " + number + " of " + total + " "));
    legend.appendChild(el("span", { "class": "afq-stem" }, q.stem));
    box.appendChild(legend);
    var saved = this.responses[q.id], name = "afq-r-" + number;
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
      input.addEventListener("change", function () {
        var text = input.value.trim();
        if (q.type === "numeric" && text !== "" && isFinite(Number(text.replace(/,/g, "")))) {
          changed(Number(text.replace(/,/g, "")));
        } else { changed(text === "" ? null : input.value); }
      });
      box.appendChild(label); box.appendChild(input); self.inputs.push(input);
    } else if (q.type === "ordering") {
      var order = saved && saved.length ? saved.slice() : q.choices.map(function (c) { return c.id; });
      var list = el("ol", { "class": "afq-order" });
      var text = {};
      q.choices.forEach(function (c) { text[c.id] = c.text; });
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
              draw(); changed(order.slice());
            });
            li.appendChild(btn); self.inputs.push(btn);
          });
          list.appendChild(li);
        });
      };
      draw();
      box.appendChild(list);
      if (!saved) self.answer(q.id, order.slice());
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
    box.appendChild(el("div", { "class": "afq-feedback", role: "status" }));
    return box;
  };

  Client.prototype.answer = function (itemId, value) {
    if (this.locked) return;
    this.responses[itemId] = value;
    this.queue.push({ item_id: itemId, response: value, client_id: newId() });
    localStorage.setItem(this.queueKey, JSON.stringify(this.queue));
    this.flush();
  };

  Client.prototype.flush = function () {
    var self = this;
    if (this.sending) return Promise.resolve(false);
    if (!this.queue.length) { this.saved(); return Promise.resolve(true); }
    this.sending = true;
    var entry = this.queue[0];
    return this.call("POST", "api/answer", entry).then(function () {
      self.queue.shift();
      localStorage.setItem(self.queueKey, JSON.stringify(self.queue));
      self.sending = false;
      return self.flush();
    }, function (err) {
      self.sending = false;
      if (err.refused) {
        self.queue.shift();
        localStorage.setItem(self.queueKey, JSON.stringify(self.queue));
        self.say("Not saved: " + err.message, "error");
        return false;
      }
      self.say("Offline: " + self.queue.length + " answer(s) kept in this browser; they are sent when the server is back.", "offline");
      clearTimeout(self.retry);
      self.retry = setTimeout(function () { self.flush(); }, 3000);
      return false;
    });
  };

  Client.prototype.saved = function () {
    var answered = this.data.questions.filter(function (q) {
      var v = this.responses[q.id];
      return v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && !v.length) &&
        !(typeof v === "object" && !Array.isArray(v) && !Object.keys(v).length);
    }, this).length;
    if (!this.locked) this.say("Saved on the server (" + answered + " of " + this.data.questions.length + " answered). Press Submit when you are done.", "saved");
  };

  Client.prototype.submit = function () {
    var self = this;
    this.flush().then(function (ok) {
      if (!ok || self.queue.length) { self.say("Not submitted: some answers are not on the server yet. Try again when it is back.", "error"); return; }
      return self.call("POST", "api/submit", {}).then(function (reply) {
        self.lock("Submitted at " + reply.submitted_at + ". Your answers are final.");
        if (self.data.feedback === "after-submit") self.feedback();
      }, function (err) { self.say("Not submitted: " + err.message, "error"); });
    });
  };

  Client.prototype.lock = function (message) {
    this.locked = true;
    this.inputs.forEach(function (input) { input.disabled = true; });
    if (this.submitButton) this.submitButton.disabled = true;
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

  document.querySelectorAll(".afq-remote:not([data-started])").forEach(function (root) {
    root.setAttribute("data-started", "1");
    var client = new Client(root);
    client.start();  // with no token, a Hub login's cookie may identify the student; else the server says 401
  });
})();
