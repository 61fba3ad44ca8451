/* The screening form on a phone (progressive enhancement: without this file the form works).
 * - counts of ticked entries in each group's summary;
 * - a filter box that narrows the signs, risk groups and places as one types;
 * - "Show the plan": the plan is fetched with htmx (no reload) and brought into view.
 * The plan itself is kept current by htmx (data-hx-* on the form) as boxes are ticked. */
(function () {
  "use strict";

  function fold(text) {
    return (text || "").toLocaleLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function updateCount(group) {
    var count = group.querySelector("[data-count]");
    if (!count) return;
    var ticked = group.querySelectorAll("input[type=checkbox]:checked").length;
    count.textContent = String(ticked);
    count.parentElement.classList.toggle("some", ticked > 0);
  }

  function setUpCounts(form) {
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target && target.type === "checkbox") {
        var group = target.closest("details.group");
        if (group) updateCount(group);
      }
    });
  }

  function setUpFilter(form) {
    var box = document.getElementById("sign-filter-box");
    var input = document.getElementById("sign-filter");
    var status = document.getElementById("sign-filter-status");
    if (!box || !input) return;
    box.hidden = false;
    var groups = Array.prototype.slice.call(form.querySelectorAll("details.group"));
    var wasOpen = null;
    // Typing in the filter is not a change to the screening: the plan is not asked for.
    input.addEventListener("change", function (event) { event.stopPropagation(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      if (words.length && wasOpen === null) {
        wasOpen = groups.map(function (g) { return g.open; });
      }
      var shown = 0;
      groups.forEach(function (group, index) {
        var matches = 0;
        group.querySelectorAll("[data-entry]").forEach(function (item) {
          // The short labels in the three languages, and the SOP's text shown under the entry.
          if (item.__folded === undefined) {
            item.__folded = fold(item.getAttribute("data-search") + " " + item.textContent);
          }
          var text = item.__folded;
          var hit = words.every(function (word) { return text.indexOf(word) !== -1; });
          item.hidden = !hit;
          matches += hit ? 1 : 0;
        });
        if (words.length) {
          group.hidden = matches === 0;
          group.open = matches > 0;
        } else {
          group.hidden = false;
          // Back as it was, but a group with something ticked stays open: what was ticked is seen.
          if (wasOpen) {
            group.open = wasOpen[index] || !!group.querySelector("input[type=checkbox]:checked");
          }
        }
        shown += matches;
      });
      form.querySelectorAll("fieldset.element").forEach(function (fieldset) {
        fieldset.hidden = words.length > 0 && !fieldset.querySelector("details.group:not([hidden])");
      });
      if (!words.length) wasOpen = null;
      if (status) status.textContent = words.length && !shown ? status.getAttribute("data-none") : "";
    });
  }

  function showPlan() {
    var plan = document.getElementById("plan");
    if (!plan) return;
    plan.scrollIntoView({ block: "start" });
    plan.focus({ preventScroll: true });
  }

  function setUpShowPlan(form) {
    var button = document.getElementById("show-plan");
    var url = form.getAttribute("data-hx-post");
    if (!button || !url) return;
    button.addEventListener("click", function (event) {
      // htmx loads after this file: looked up at the click. Without it the form posts to #plan.
      if (!window.htmx) return;
      event.preventDefault();
      window.htmx
        .ajax("POST", url, { source: form, target: "#plan", swap: "outerHTML" })
        .then(showPlan);
    });
  }

  function start() {
    var form = document.getElementById("screening-form");
    if (!form) return;
    setUpCounts(form);
    setUpFilter(form);
    setUpShowPlan(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
