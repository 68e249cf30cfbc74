// Self-assessment form: every answer is saved as it changes, so closing the tab loses nothing.
(function () {
  "use strict";
  const root = document.querySelector(".assessment");
  if (!root) return;
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const state = root.querySelector("[data-save-state]");
  let pending = 0;

  function show(text, isError) {
    state.textContent = text;
    state.classList.toggle("error", Boolean(isError));
  }

  function describe(body) {
    if (!body) return "";
    const fields = Object.values(body.fields || {}).flat();
    return fields.length ? fields.join(" ") : (body.detail || "");
  }

  // Saves go out one at a time, in the order the user made them, so the progress shown is never stale.
  let queue = Promise.resolve();

  function post(url, payload, box) {
    pending += 1;
    show(root.dataset.saving);
    queue = queue.then(function () { return send(url, payload, box); });
    return queue;
  }

  async function send(url, payload, box) {
    const error = box.querySelector("[data-error]");
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
        credentials: "same-origin",
        body: JSON.stringify(payload),
      });
      const body = await response.json().catch(() => null);
      if (!response.ok) {
        const message = describe(body) || response.statusText;
        error.textContent = message;
        error.hidden = false;
        box.classList.add("has-error");
        show(root.dataset.failed + " " + message, true);
        return;
      }
      error.hidden = true;
      box.classList.remove("has-error");
      box.classList.add("saved");
      update(body);
      show(root.dataset.saved);
    } catch (exc) {
      show(root.dataset.failed + " " + exc.message, true);
    } finally {
      pending -= 1;
    }
  }

  function update(body) {
    const progress = document.getElementById("progress");
    progress.querySelector("[data-answered]").textContent = body.progress.answered;
    progress.querySelector("[data-total]").textContent = body.progress.total;
    const bar = progress.querySelector("progress");
    bar.max = body.progress.total;
    bar.value = body.progress.answered;
    progress.querySelector("[data-level-name]").textContent = body.estimate.level_name;
    progress.querySelector("[data-score]").textContent = body.estimate.score.toFixed(2);
  }

  function payload(box) {
    const checked = box.querySelector("input[type=radio]:checked");
    const na = box.querySelector("input[name^=na-]");
    const comment = box.querySelector("input[name^=c-]");
    return {
      requirement: box.dataset.requirement,
      rating: checked ? checked.value : "",
      na_reason: na ? na.value : "",
      comment: comment ? comment.value : "",
    };
  }

  function saveRequirement(box) {
    dirty.delete(box);
    const data = payload(box);
    const naBox = box.querySelector(".na-reason");
    if (naBox) naBox.hidden = data.rating !== "na";
    if (data.rating === "na" && !data.na_reason.trim()) {
      box.querySelector("input[name^=na-]").focus();
      show(root.dataset.saving);
      return; // saved once the reason is typed
    }
    post(root.dataset.answerUrl, data, box);
  }

  const timers = new WeakMap();
  const dirty = new Set();
  root.querySelectorAll("fieldset.requirement").forEach(function (box) {
    box.addEventListener("change", function () { saveRequirement(box); });
    box.querySelectorAll("input[type=text]").forEach(function (input) {
      input.addEventListener("input", function () {
        dirty.add(box);
        clearTimeout(timers.get(box));
        timers.set(box, setTimeout(function () { saveRequirement(box); }, 700));
      });
    });
  });
  root.querySelectorAll("fieldset.condition").forEach(function (box) {
    box.addEventListener("change", function () {
      const checked = box.querySelector("input:checked");
      post(root.dataset.eligibilityUrl, {condition: box.dataset.condition, holds: checked.value === "true"}, box);
    });
  });
  // Typing not yet sent when the tab closes still reaches the server (a beacon survives the page).
  window.addEventListener("pagehide", function () {
    dirty.forEach(function (box) {
      const data = payload(box);
      if (data.rating === "na" && !data.na_reason.trim()) return;
      const form = new FormData();
      Object.entries(data).forEach(function (entry) { form.append(entry[0], entry[1]); });
      form.append("csrfmiddlewaretoken", csrf);
      navigator.sendBeacon(root.dataset.answerUrl, form);
    });
    dirty.clear();
  });
  window.addEventListener("beforeunload", function (event) {
    if (pending > 0) { event.preventDefault(); event.returnValue = ""; }
  });
})();
