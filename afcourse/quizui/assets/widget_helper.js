/* afcourse live quiz: the keyboard and kernel helper (an anywidget inside the quiz's VBox).
 *
 * - data-lm-suppress-shortcuts on the quiz and on each of its controls: JupyterLab's command-mode
 *   keys (a, b, d d, arrows, Enter) do nothing inside it, so a key meant for an answer never adds
 *   or deletes a cell;
 * - each question's radio buttons share one name: one Tab stop, arrow keys move the choice;
 * - a button that disables itself while focused hands the focus to the question's feedback
 *   (when it shows one) or to the next control that can take it, never to the page body;
 * - Enter in a self-check text box checks the answer (the box sends its value first);
 * - when the kernel does not answer (restarted or shut down), a notice says to run the cell.
 */
let counter = 0;

function focusable(node) {
  return node && !node.disabled && node.offsetParent !== null;
}

function enhance(root) {
  /* Lumino stops looking for a shortcut at the first element that carries the attribute, but it
     tests the element a shortcut's selector names (JupyterLab's ":focus") before climbing, so every
     control that can take the focus carries it, and the quiz too. */
  [root].concat(Array.from(root.querySelectorAll("input, select, button, textarea, [tabindex]"))).forEach((node) => {
    if (!node.hasAttribute("data-lm-suppress-shortcuts")) node.setAttribute("data-lm-suppress-shortcuts", "true");
  });
  root.querySelectorAll(".widget-radio-box").forEach((box) => {
    if (!box.dataset.afqGroup) box.dataset.afqGroup = `afq-radio-${++counter}`;
    box.querySelectorAll('input[type="radio"]').forEach((input) => {
      if (input.name !== box.dataset.afqGroup) input.name = box.dataset.afqGroup;
    });
    box.setAttribute("role", "radiogroup");
  });
  root.querySelectorAll(".afq-w-question").forEach((question) => {
    const stem = question.querySelector(".afq-w-stem");
    const group = question.querySelector(".widget-radio-box");
    if (stem && group && !group.hasAttribute("aria-label")) group.setAttribute("aria-label", stem.textContent);
  });
}

function nextFocus(button) {
  const question = button.closest(".afq-w-question");
  if (question) {
    const feedback = question.querySelector(".afq-w-feedback, .afq-w-message");
    if (feedback) {
      if (!feedback.hasAttribute("tabindex")) feedback.setAttribute("tabindex", "-1");
      return feedback;
    }
    const checked = question.querySelector('input[type="radio"]:checked');  // the group's one Tab stop
    if (focusable(checked)) return checked;
    const first = Array.from(question.querySelectorAll("input, select, button")).find((n) => n !== button && focusable(n));
    if (first) return first;
  }
  const scope = button.closest(".afq-widget");
  const controls = Array.from(scope.querySelectorAll("button, input, select"));
  const at = controls.indexOf(button);
  return controls.slice(at + 1).concat(controls.slice(0, at)).find(focusable) || null;
}

function notice(root, file) {
  let note = root.querySelector(".afq-w-kernel-gone");
  if (!note) {
    note = document.createElement("div");
    note.className = "afq-w-kernel-gone";
    note.setAttribute("role", "alert");
    note.textContent = "This quiz has lost its kernel (it was restarted or shut down), so it cannot check or " +
      "record anything now. Run this cell again (Shift+Enter, or Run All) to continue" +
      (file ? `: your self-check answers are kept in ${file} and come back.` : ".");
    root.insertBefore(note, root.firstChild);
  }
  return note;
}

export default {
  render({ model, el }) {
    el.style.display = "none";
    const state = { lastFocus: null, waiting: null, gone: false };
    let root = null, observer = null, stop = false;

    function ping() {  /* any answer from the kernel clears the notice */
      if (state.waiting) return;
      let sent = true;
      try { model.send({ ping: Date.now() }); } catch (e) { sent = false; }
      if (!sent) { state.gone = true; notice(root, model.get("keep_file")); return; }
      state.waiting = setTimeout(() => {
        state.waiting = null;
        state.gone = true;
        notice(root, model.get("keep_file"));
      }, 4000);
    }
    model.on("msg:custom", (content) => {
      if (content && "pong" in content) {
        clearTimeout(state.waiting);
        state.waiting = null;
        state.gone = false;
        const note = root && root.querySelector(".afq-w-kernel-gone");
        if (note) note.remove();
      }
    });

    function attach() {
      if (stop) return;
      root = el.closest(".afq-widget");
      if (!root) { requestAnimationFrame(attach); return; }
      enhance(root);
      observer = new MutationObserver((records) => {
        enhance(root);
        for (const r of records) {
          if (r.type === "attributes" && r.attributeName === "disabled" && r.target === state.lastFocus &&
              r.target.disabled && (document.activeElement === document.body || document.activeElement === r.target)) {
            const target = nextFocus(r.target);
            if (target) setTimeout(() => target.focus(), 0);
          }
        }
      });
      observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ["disabled"] });
      root.addEventListener("focusin", (event) => { state.lastFocus = event.target; });
      /* the feedback appears after the click: once it is there, a focus lost to the body goes to it */
      root.addEventListener("click", (event) => {
        const button = event.target.closest("button");
        if (button) ping();
      }, true);
      root.addEventListener("change", ping, true);
      root.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" || !event.target.matches('.afq-w-question input[type="text"]')) return;
        const question = event.target.closest(".afq-w-question");
        const check = Array.from(question.querySelectorAll("button")).find((b) => b.textContent.trim() === "Check answer");
        if (check && !check.disabled) setTimeout(() => check.click(), 0);  /* after the box has sent its value */
      }, true);  /* capture: the text box's own handler stops the event from bubbling */
    }
    attach();
    return () => { stop = true; if (observer) observer.disconnect(); clearTimeout(state.waiting); };
  },
};
