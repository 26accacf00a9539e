/* Virage numérique bleu — progressive enhancement of the forms (no framework).
 * Without this script the forms post and the API answers with a page. With it:
 * - the spam timer's form_rendered_at is set;
 * - the form submits in place (fetch, JSON) and shows the same error summary,
 *   messages next to the fields, or the confirmation / result;
 * - the submit button is disabled while a submission runs (double clicks store once);
 * - the assessment shows one dimension per step, with its progress.
 */
(function () {
  "use strict";

  var lang = document.documentElement.lang === "en" ? "en" : "fr";
  var baseTitle = document.title;

  function fieldId(form, name) {
    var prefix = form.dataset.vnbForm === "assessment" ? "asm-" : "reg-";
    return prefix + name.replace(/\./g, "-");
  }

  function fieldBox(form, name) {
    var input = document.getElementById(fieldId(form, name));
    return input ? input.closest(".vnb-field") : null;
  }

  function clearErrors(form) {
    var old = form.parentNode.querySelector(".vnb-error-summary");
    if (old) old.remove();
    form.querySelectorAll(".vnb-error-message").forEach(function (p) {
      var box = p.closest(".vnb-field");
      var described = box.querySelectorAll("[aria-describedby]");
      described.forEach(function (el) {
        var ids = el.getAttribute("aria-describedby").split(" ").filter(function (id) { return id !== p.id; });
        if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
        else el.removeAttribute("aria-describedby");
        el.removeAttribute("aria-invalid");
      });
      box.classList.remove("vnb-field--error");
      p.remove();
    });
    document.title = baseTitle;
  }

  function showErrors(form, errors) {
    clearErrors(form);
    var summary = document.createElement("div");
    summary.className = "vnb-error-summary";
    summary.setAttribute("role", "alert");
    summary.setAttribute("aria-labelledby", "error-summary-title");
    summary.tabIndex = -1;
    var title = document.createElement("h2");
    title.id = "error-summary-title";
    title.textContent = form.dataset.errorSummaryTitle;
    var list = document.createElement("ul");
    summary.append(title, list);
    var firstStep = null;
    errors.forEach(function (error) {
      var message = error.message[lang];
      var item = document.createElement("li");
      var box = error.field ? fieldBox(form, error.field) : null;
      if (box) {
        var id = fieldId(form, error.field);
        var link = document.createElement("a");
        link.href = "#" + id;
        // The summary names the field, as the no-JavaScript page does (rendering.summary_item).
        var named = box.querySelector("legend") || box.querySelector("label");
        var name = named && named.firstChild ? named.firstChild.textContent.trim() : "";
        link.textContent = name ? name + (lang === "fr" ? "\u00a0: " : ": ") + message : message;
        link.addEventListener("click", function (event) {
          event.preventDefault();
          showStep(form, stepOf(box));
          document.getElementById(id).focus();
        });
        item.append(link);
        var p = document.createElement("p");
        p.className = "vnb-error-message";
        p.id = id + "-error";
        var hidden = document.createElement("span");
        hidden.className = "vnb-visually-hidden";
        hidden.textContent = form.dataset.errorPrefix;
        p.append(hidden, message);
        var anchor = box.querySelector("legend") || box.querySelector("label");
        var hint = box.querySelector(".vnb-hint[id]");
        (hint || anchor).after(p);
        box.classList.add("vnb-field--error");
        var target = box.querySelector("fieldset") || box.querySelector("input, select");
        var ids = (target.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        ids.push(p.id);
        target.setAttribute("aria-describedby", ids.join(" "));
        target.setAttribute("aria-invalid", "true");
        if (firstStep === null) firstStep = stepOf(box);
      } else {
        item.textContent = message;
      }
      list.append(item);
    });
    if (firstStep !== null) showStep(form, firstStep);
    form.before(summary);
    document.title = form.dataset.errorPrefix + baseTitle;
    summary.focus();
  }

  function fill(fragment, slot, text) {
    var el = fragment.querySelector('[data-slot="' + slot + '"]');
    el.textContent = text;
    return el;
  }

  function showRegistration(form, answer) {
    var fragment = document.getElementById("reg-confirmation-template").content.cloneNode(true);
    var heading = fragment.querySelector('[data-slot="title"]');
    heading.textContent = answer.kind === "waitlist" ? heading.dataset.titleWaitlist : heading.dataset.titleRegistration;
    fill(fragment, "reference", answer.reference);
    fill(fragment, "branch_name", answer.branch_name[lang]);
    fill(fragment, "next_step", answer.next_step[lang]);
    replaceForm(form, fragment, heading);
  }

  function bar(score) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 100 8");
    svg.setAttribute("class", "vnb-bar");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var track = document.createElementNS(ns, "rect");
    track.setAttribute("width", "100");
    track.setAttribute("height", "8");
    track.setAttribute("class", "vnb-bar-track");
    var value = document.createElementNS(ns, "rect");
    value.setAttribute("width", String(score));
    value.setAttribute("height", "8");
    value.setAttribute("class", "vnb-bar-value");
    svg.append(track, value);
    return svg;
  }

  function showAssessment(form, answer) {
    var fragment = document.getElementById("asm-result-template").content.cloneNode(true);
    var heading = fragment.querySelector("h2");
    fill(fragment, "overall", answer.level_name + " – " + answer.score + " / 100");
    var rows = fragment.querySelector('[data-slot="rows"]');
    var recommendations = fragment.querySelector('[data-slot="recommendations"]');
    answer.dimensions.forEach(function (d) {
      var row = document.createElement("tr");
      row.dataset.dimension = d.dimension;
      var name = document.createElement("th");
      name.scope = "row";
      name.textContent = d.name;
      var score = document.createElement("td");
      score.className = "vnb-score";
      var number = document.createElement("span");
      number.textContent = d.score + " / 100";
      score.append(number, bar(d.score));
      var level = document.createElement("td");
      level.textContent = d.level_name;
      row.append(name, score, level);
      rows.append(row);
      var h = document.createElement("h4");
      h.textContent = d.name;
      var p = document.createElement("p");
      p.textContent = d.recommendation;
      recommendations.append(h, p);
    });
    fragment.querySelector('[data-action="print"]').addEventListener("click", function () { window.print(); });
    replaceForm(form, fragment, heading);
  }

  function replaceForm(form, fragment, heading) {
    clearErrors(form);
    var intro = form.parentNode.querySelector(".vnb-progress");
    if (intro) intro.remove();
    form.replaceWith(fragment);
    document.title = heading.textContent + " – " + baseTitle;
    heading.focus();
    window.scrollTo(0, 0);
  }

  function payload(form) {
    var data = {};
    var answers = {};
    new FormData(form).forEach(function (value, name) {
      if (value === "") return;
      if (name.indexOf("answers.") === 0) answers[name.slice(8)] = value;
      else data[name] = value;
    });
    if (form.dataset.vnbForm === "assessment") data.answers = answers;
    return data;
  }

  function submit(form, event) {
    event.preventDefault();
    var button = form.querySelector('button[type="submit"]');
    if (button.disabled) return;
    var label = button.textContent;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = form.dataset.sending;
    fetch(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(payload(form)),
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      })
      .then(function (result) {
        if (result.status === 201) {
          if (form.dataset.vnbForm === "assessment") showAssessment(form, result.body);
          else showRegistration(form, result.body);
          return;
        }
        button.disabled = false;
        button.removeAttribute("aria-busy");
        button.textContent = label;
        showErrors(form, result.body.errors || []);
      })
      .catch(function () {
        // Network trouble: fall back to the plain post, the API answers with a page.
        button.disabled = false;
        button.textContent = label;
        form.submit();
      });
  }

  /* Steps: one dimension per step; the reference and submit come with the last one. */
  function steps(form) {
    return Array.prototype.slice.call(form.querySelectorAll(".vnb-step"));
  }

  function stepOf(box) {
    var section = box.closest(".vnb-step");
    if (!section) return null;
    return steps(section.form || section.closest("form")).indexOf(section);
  }

  function showStep(form, index) {
    var all = steps(form);
    if (!form.classList.contains("vnb-stepped") || index === null || index < 0) return;
    all.forEach(function (section, i) { section.hidden = i !== index; });
    form.querySelector(".vnb-step-last").hidden = index !== all.length - 1;
    form.querySelector(".vnb-step-back").hidden = index === 0;
    form.querySelector(".vnb-step-next").hidden = index === all.length - 1;
    var progress = form.querySelector(".vnb-progress");
    progress.textContent = form.dataset.stepProgress.replace("{n}", index + 1).replace("{total}", all.length);
    form.dataset.step = String(index);
  }

  function enhanceSteps(form) {
    var all = steps(form);
    if (all.length < 2) return;
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
    function go(delta) {
      showStep(form, Number(form.dataset.step) + delta);
      var heading = steps(form)[Number(form.dataset.step)].querySelector("h2");
      heading.tabIndex = -1;
      heading.focus();
    }
    back.addEventListener("click", function () { go(-1); });
    next.addEventListener("click", function () { go(1); });
    showStep(form, 0);
  }

  document.querySelectorAll("form[data-vnb-form]").forEach(function (form) {
    var rendered = document.createElement("input");
    rendered.type = "hidden";
    rendered.name = "form_rendered_at";
    rendered.value = String(Math.floor(Date.now() / 1000));
    if (form.dataset.vnbForm === "registration") form.append(rendered);
    if (form.dataset.vnbForm === "assessment") enhanceSteps(form);
    form.addEventListener("submit", function (event) { submit(form, event); });
  });
})();
