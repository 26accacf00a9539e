/* Virage numérique bleu — progressive enhancement of the forms (no framework).
 * Without this script every form posts and the API answers with a page of the site: the
 * check step, the confirmation, the form again with its error summary. The server renders
 * every error message; this script only shows, hides and focuses what it rendered.
 * With it:
 * - the error summary the server rendered gets the focus (GOV.UK's way);
 * - a submit button says it is sending and ignores a second click;
 * - the assessment shows one dimension per step, checks each step before "Next" (the
 *   server's own messages, kept hidden in the page), ends with "check your answers";
 * - what a merchant typed survives a reload, a phone call, Back/Forward and a switch of
 *   language: the assessment's answers (as codes) in this device's localStorage until
 *   sent or "start over", the registration's fields in the tab's sessionStorage;
 * - the assessment's reference comes prefilled from the address (?reference=…).
 */
(function () {
  "use strict";

  var STORE_VERSION = "1";

  function storage(kind) {
    try {
      var store = window[kind];
      store.setItem("vnb.probe", "1");
      store.removeItem("vnb.probe");
      return store;
    } catch (blocked) {
      return null; // storage disabled: the page still works, it just forgets
    }
  }

  function read(store, key) {
    if (!store) return null;
    try {
      return JSON.parse(store.getItem(key) || "null");
    } catch (broken) {
      return null;
    }
  }

  function write(store, key, value) {
    if (!store) return;
    try {
      store.setItem(key, JSON.stringify(value));
    } catch (full) {
      /* nothing to do: the form still posts */
    }
  }

  /* The server's error summary: focus it on arrival. */
  function focusSummary() {
    var summary = document.querySelector(".vnb-error-summary");
    if (summary) {
      summary.focus();
      summary.scrollIntoView();
    }
  }

  /* A submit button that says it is sending; a second click does nothing. */
  function guardSubmit(form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sending === "yes") {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "yes";
      var button = event.submitter || form.querySelector('button[type="submit"]');
      if (button && form.dataset.sendingLabel) {
        button.setAttribute("aria-busy", "true");
        button.textContent = form.dataset.sendingLabel;
        // Disabled after the browser has read the form: a named button's value still goes.
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
    });
  }

  /* --- the registration: its fields kept for the tab, across a language switch --- */
  var REGISTRATION_KEY = "vnb.registration.v" + STORE_VERSION;
  var PRIVATE = ["website", "form_token", "step", "content_version", "language"];

  function keepRegistration(form) {
    var store = storage("sessionStorage");
    var saved = read(store, REGISTRATION_KEY) || {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || PRIVATE.indexOf(field.name) >= 0 || field.type === "hidden") return;
      if (!(field.name in saved) || field.dataset.vnbKept) return;
      if (field.type === "checkbox") field.checked = saved[field.name] === field.value;
      else if (field.type === "radio") field.checked = saved[field.name] === field.value;
      else if (!field.value) field.value = saved[field.name];
    });
    form.addEventListener("input", function () {
      var values = {};
      new FormData(form).forEach(function (value, name) {
        if (PRIVATE.indexOf(name) < 0 && typeof value === "string") values[name] = value;
      });
      write(store, REGISTRATION_KEY, values);
    });
  }

  /* --- the assessment --------------------------------------------------------------- */
  function assessmentKey(form) {
    return "vnb.assessment.v" + STORE_VERSION + "." + (form.dataset.questionnaire || "");
  }

  function steps(form) {
    return Array.prototype.slice.call(form.querySelectorAll(".vnb-step"));
  }

  function questionsOf(section) {
    return Array.prototype.slice.call(section.querySelectorAll("fieldset")).filter(function (fieldset) {
      return fieldset.querySelector('input[type="radio"][name^="answers."]');
    });
  }

  function questionName(fieldset) {
    return fieldset.querySelector('input[type="radio"]').name;
  }

  function chosen(fieldset) {
    return fieldset.querySelector('input[type="radio"]:checked');
  }

  function saveAssessment(form, stepIndex) {
    var saved = read(storage("localStorage"), assessmentKey(form)) || {};
    var answers = {};
    form.querySelectorAll('input[type="radio"]:checked').forEach(function (input) {
      answers[input.name.replace(/^answers\./, "")] = input.value;
    });
    var reference = form.querySelector('input[name="reference"]');
    write(storage("localStorage"), assessmentKey(form), {
      answers: answers,
      reference: reference ? reference.value : "",
      step: stepIndex === undefined ? saved.step || 0 : stepIndex,
      attempt: saved.attempt || attemptId()
    });
  }

  function attemptId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function restoreAssessment(form) {
    var saved = read(storage("localStorage"), assessmentKey(form));
    var params = new URLSearchParams(window.location.search);
    var reference = form.querySelector('input[name="reference"]');
    if (reference && params.get("reference") && !reference.value) reference.value = params.get("reference");
    if (!saved) {
      saveAssessment(form, 0);
      saved = read(storage("localStorage"), assessmentKey(form)) || {};
    }
    Object.keys(saved.answers || {}).forEach(function (question) {
      var input = form.querySelector('input[name="answers.' + question + '"][value="' + CSS.escape(saved.answers[question]) + '"]');
      if (input) input.checked = true;
    });
    if (reference && saved.reference && !reference.value) reference.value = saved.reference;
    var attempt = form.querySelector('input[name="attempt_id"]');
    if (attempt && saved.attempt) attempt.value = saved.attempt;
    return saved.step || 0;
  }

  function clearStepErrors(form) {
    var old = form.parentNode.querySelector(".vnb-error-summary[data-vnb-step]");
    if (old) old.remove();
    form.querySelectorAll(".vnb-field--error").forEach(function (box) {
      box.classList.remove("vnb-field--error");
      var message = box.querySelector(".vnb-error-message");
      var fieldset = box.querySelector("fieldset");
      if (message) message.hidden = true;
      if (fieldset) fieldset.removeAttribute("aria-invalid");
    });
  }

  /* The server's step summaries (a file of the site's assets, fetched after the first
     paint: the page itself must fit the first round trip). */
  var stepSummaries = null;

  function loadStepSummaries(form) {
    if (!form.dataset.stepErrors || !window.fetch) return;
    fetch(form.dataset.stepErrors, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (html) stepSummaries = new DOMParser().parseFromString(html, "text/html");
      })
      .catch(function () { /* offline: the messages next to the questions still show */ });
  }

  /* Unanswered questions of a step: show the server's messages and summary lines. */
  function checkStep(form, section) {
    clearStepErrors(form);
    var missing = questionsOf(section).filter(function (fieldset) { return !chosen(fieldset); });
    if (!missing.length) return true;
    missing.forEach(function (fieldset) {
      var box = fieldset.closest(".vnb-field");
      box.classList.add("vnb-field--error");
      fieldset.setAttribute("aria-invalid", "true");
      var message = box.querySelector(".vnb-error-message");
      if (message) message.hidden = false;
    });
    var template = stepSummaries &&
      stepSummaries.querySelector('template[data-dimension="' + section.dataset.dimension + '"]');
    if (!template) {
      missing[0].querySelector("input").focus();
      return false;
    }
    var summary = document.importNode(template.content.firstElementChild, true);
    summary.dataset.vnbStep = "yes";
    var names = missing.map(questionName);
    // Each line links to its question's first choice: keep the lines of those missing.
    summary.querySelectorAll("li").forEach(function (item) {
      var link = item.querySelector('a[href^="#"]');
      var choice = link && document.getElementById(link.getAttribute("href").slice(1));
      if (choice && names.indexOf(choice.name) < 0) item.remove();
    });
    form.before(summary);
    summary.focus();
    return false;
  }

  function showStep(form, index) {
    var all = steps(form);
    index = Math.max(0, Math.min(index, all.length));
    all.forEach(function (section, i) { section.hidden = i !== index; });
    var checking = index === all.length;
    form.querySelector(".vnb-check").hidden = !checking;
    form.querySelector(".vnb-step-last").hidden = !checking;
    form.querySelector(".vnb-step-back").hidden = index === 0;
    form.querySelector(".vnb-step-next").hidden = checking;
    var progress = form.querySelector(".vnb-progress");
    progress.textContent = checking
      ? form.dataset.checkTitle
      : form.dataset.stepProgress.replace("{n}", index + 1).replace("{total}", all.length);
    form.dataset.step = String(index);
    if (checking) fillCheck(form);
    saveAssessment(form, index);
  }

  /* "Check your answers": each question and the chosen answer, with a way back to it. */
  function fillCheck(form) {
    var list = form.querySelector(".vnb-check dl");
    list.replaceChildren();
    steps(form).forEach(function (section, index) {
      questionsOf(section).forEach(function (fieldset) {
        var row = document.createElement("div");
        row.className = "vnb-summary__row";
        var question = document.createElement("dt");
        question.textContent = fieldset.querySelector("legend").textContent.trim();
        var answer = document.createElement("dd");
        var input = chosen(fieldset);
        answer.textContent = input ? form.querySelector('label[for="' + input.id + '"]').textContent.trim() : "";
        var change = document.createElement("button");
        change.type = "button";
        change.className = "vnb-link-button";
        change.textContent = form.dataset.change;
        change.addEventListener("click", function () { go(form, index); });
        answer.append(" ", change);
        row.append(question, answer);
        list.append(row);
      });
    });
  }

  function go(form, index) {
    showStep(form, index);
    var all = steps(form);
    var target = index < all.length ? all[index].querySelector("h2") : form.querySelector(".vnb-check h2");
    target.tabIndex = -1;
    target.focus();
  }

  function enhanceAssessment(form) {
    var all = steps(form);
    if (all.length < 2) return;
    var start = restoreAssessment(form);
    loadStepSummaries(form);
    form.classList.add("vnb-stepped");
    var progress = document.createElement("p");
    progress.className = "vnb-progress";
    progress.setAttribute("aria-live", "polite");
    all[0].before(progress);
    var nav = document.createElement("div");
    nav.className = "vnb-step-nav";
    var back = document.createElement("button");
    back.type = "button";
    back.className = "vnb-secondary vnb-step-back";
    back.textContent = form.dataset.stepBack;
    var next = document.createElement("button");
    next.type = "button";
    next.className = "vnb-step-next";
    next.textContent = form.dataset.stepNext;
    nav.append(back, next);
    form.querySelector(".vnb-step-last").after(nav);
    back.addEventListener("click", function () { clearStepErrors(form); go(form, Number(form.dataset.step) - 1); });
    next.addEventListener("click", function () {
      var current = steps(form)[Number(form.dataset.step)];
      if (checkStep(form, current)) go(form, Number(form.dataset.step) + 1);
    });
    form.querySelector(".vnb-start-over").addEventListener("click", function () {
      var store = storage("localStorage");
      if (store) store.removeItem(assessmentKey(form));
      form.reset();
      clearStepErrors(form);
      saveAssessment(form, 0);
      var attempt = form.querySelector('input[name="attempt_id"]');
      var saved = read(store, assessmentKey(form));
      if (attempt && saved) attempt.value = saved.attempt;
      go(form, 0);
    });
    form.addEventListener("change", function () { saveAssessment(form); });
    form.addEventListener("submit", function (event) {
      var missing = steps(form).filter(function (section) {
        return questionsOf(section).some(function (fieldset) { return !chosen(fieldset); });
      });
      if (missing.length) {
        event.preventDefault();
        event.stopImmediatePropagation();
        go(form, steps(form).indexOf(missing[0]));
        checkStep(form, missing[0]);
      }
    });
    showStep(form, Math.min(start, all.length));
  }

  /* The result and confirmation pages: what was kept is sent; forget it on this device. */
  function forgetSent() {
    if (document.querySelector('[data-vnb-stored="registration"]')) {
      var session = storage("sessionStorage");
      if (session) session.removeItem(REGISTRATION_KEY);
    }
    if (document.querySelector('[data-vnb-stored="assessment"]')) {
      var local = storage("localStorage");
      if (!local) return;
      Object.keys(local).forEach(function (key) {
        if (key.indexOf("vnb.assessment.") === 0) local.removeItem(key);
      });
    }
  }

  document.querySelectorAll('[data-action="print"]').forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  forgetSent();
  document.querySelectorAll("form[data-vnb-form]").forEach(function (form) {
    if (form.dataset.vnbForm === "assessment") enhanceAssessment(form);
    if (form.dataset.vnbForm === "registration") keepRegistration(form);
    guardSubmit(form);
  });
  focusSummary();
})();
