/* The questionnaire's behaviour (no inline script: the CSP allows only files from 'self').
 *
 * - Draws every [data-chart] element from the JSON in the <script type="application/json">
 *   it names, on first load and after every htmx swap (the results partial is replaced).
 * - Keeps "traffic given as" in step with the figure being typed.
 * - Before a results swap, empties every field message; the response brings the ones that
 *   apply (out of band). After it, marks those fields invalid and opens a collapsed section
 *   that holds one.
 * - On a narrow screen (one column, the results under the form): a picked preset scrolls to
 *   its answer, and the one-line summary pinned to the bottom of the screen steps aside while
 *   the verdict's own totals are in view.
 */
(function () {
  "use strict";

  var CONFIG = { displayModeBar: false, responsive: true, displaylogo: false };

  // The chart library (about 400 KB compressed) is fetched only once the answer is on screen
  // and a chart is there to draw: the verdict and the tables never wait for it.
  var PLOTLY_SRC = (document.currentScript && document.currentScript.dataset.plotly) || "";
  var plotlyLoading = false;

  function loadPlotly() {
    if (plotlyLoading || !PLOTLY_SRC) return;
    plotlyLoading = true;
    var script = document.createElement("script");
    script.src = PLOTLY_SRC;
    script.async = true;
    script.onload = function () { drawCharts(document); };
    document.head.appendChild(script);
  }

  function drawCharts(root) {
    if (typeof window.Plotly === "undefined") {
      if ((root || document).querySelector("[data-chart]")) loadPlotly();
      return;
    }
    var lang = (document.documentElement.lang || "en").slice(0, 2);
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.classList.contains("js-plotly-plot")) return; // already drawn
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var fig;
      try {
        fig = JSON.parse(source.textContent);
      } catch (e) {
        return;
      }
      var config = Object.assign({}, CONFIG, lang === "ko" ? { locale: "ko" } : {});
      window.Plotly.newPlot(el, fig.data, fig.layout, config);
    });
  }

  function purgeCharts(root) {
    if (typeof window.Plotly === "undefined" || !root) return;
    root.querySelectorAll(".js-plotly-plot").forEach(function (el) {
      window.Plotly.purge(el);
    });
  }

  function markErrors() {
    document.querySelectorAll(".field-error").forEach(function (p) {
      var field = p.closest(".field");
      if (!field) return;
      var bad = p.textContent.trim() !== "";
      field.classList.toggle("has-error", bad);
      field.querySelectorAll("input, select, textarea").forEach(function (input) {
        if (bad) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      });
      if (bad) {
        var section = field.closest("details");
        if (section) section.open = true;
      }
    });
  }

  function followRateBasis(event) {
    var name = event.target && event.target.name;
    var basis = name === "avg_rps" ? "second" : name === "requests_per_month" ? "month" : null;
    if (!basis) return;
    var radio = document.querySelector('input[name="rate_basis"][value="' + basis + '"]');
    if (radio && !radio.checked) radio.checked = true;
  }

  var NARROW = "(max-width: 900px)"; // the single-column layout of static/css/app.css
  var presetPicked = false;
  var summaryObserver = null;

  function markPreset(link) {
    document.querySelectorAll("a.preset[aria-current]").forEach(function (a) {
      if (a !== link) a.removeAttribute("aria-current");
    });
    if (link) link.setAttribute("aria-current", "true");
  }

  function watchSummary() {
    if (summaryObserver) summaryObserver.disconnect();
    var summary = document.getElementById("summary");
    var totals = document.querySelector("#results .verdict .totals");
    if (!summary || !totals || typeof IntersectionObserver === "undefined") return;
    summaryObserver = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        summary.classList.toggle("is-hidden", entry.intersectionRatio > 0.99);
      });
    }, { threshold: [0, 1] });
    summaryObserver.observe(totals);
  }

  function showPresetAnswer() {
    if (!presetPicked) return;
    presetPicked = false;
    var results = document.getElementById("results");
    if (results && window.matchMedia(NARROW).matches) {
      results.scrollIntoView({ block: "start" });
    }
  }

  // The assumptions strip above the results edits the form's own fields: a value typed there
  // is copied into the field it mirrors, which sends the form as if typed in the form.
  function mirrorAssumption(event) {
    var source = event.target;
    var name = source && source.dataset && source.dataset.mirror;
    if (!name) return;
    var form = document.getElementById("questionnaire");
    var field = form && form.elements[name];
    if (!field) return;
    if (field.type === "checkbox") field.checked = source.checked;
    else field.value = source.value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // The start page is a named preset: show its inputs in the address.
  function showStartQuery() {
    var note = document.getElementById("start-note");
    if (note && note.dataset.startQuery && !window.location.search) {
      window.history.replaceState(window.history.state, "", "?" + note.dataset.startQuery);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    // After the first frame with the answer in it has been painted.
    window.requestAnimationFrame(function () {
      window.setTimeout(function () { drawCharts(document); }, 0);
    });
    watchSummary();
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a.preset");
      // A preset opened in another tab or window changes nothing here.
      if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      presetPicked = true;
      markPreset(link);
    });
    // A changed field means the inputs are no longer the preset's.
    document.addEventListener("input", function (event) {
      if (event.target.closest && event.target.closest("#questionnaire")) markPreset(null);
    });
    showStartQuery();
    document.addEventListener("change", mirrorAssumption, true);
    document.addEventListener("input", followRateBasis, true);
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      purgeCharts(event.detail.target);
      // The response carries (out of band) only the messages that apply now.
      if (event.detail.target && event.detail.target.id === "results") {
        document.querySelectorAll(".field-error").forEach(function (p) { p.textContent = ""; });
      }
    });
    document.body.addEventListener("htmx:afterSettle", function () {
      drawCharts(document);
      markErrors();
      watchSummary();
      showPresetAnswer();
    });
    // htmx rewrites the address as inputs change: switching language returns to the
    // inputs as they are now, not as the page was first served.
    ["htmx:replacedInHistory", "htmx:pushedIntoHistory"].forEach(function (name) {
      document.body.addEventListener(name, function () {
        var next = document.querySelector("#lang-switch input[name=next]");
        if (next) next.value = window.location.pathname + window.location.search;
      });
    });
  });
})();
