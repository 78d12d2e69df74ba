/* The questionnaire's behaviour (no inline script: the CSP allows only files from 'self').
 *
 * - Draws every [data-chart] element from the JSON in the <script type="application/json">
 *   it names, on first load and after every htmx swap (the results partial is replaced).
 * - Keeps requests a month and a second in step, and "traffic given as" with the one typed.
 * - Shows an option's own fields only while the option is ticked.
 * - Before a results swap, empties every field message; the response brings the ones that
 *   apply (out of band). After it, marks those fields invalid and opens a collapsed section
 *   that holds one.
 * - On a narrow screen (one column: the answer, then the presets and the form, then the rest of
 *   the results): a picked preset scrolls up to its answer, and the one-line summary pinned to
 *   the bottom of the screen steps aside while the verdict's own totals are in view.
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
      window.Plotly.newPlot(el, fig.data, fitNarrow(fig.layout || {}, el.clientWidth), config);
    });
  }

  // On a phone the x axis has room for about one label every 48 px of plot: keep every
  // other labelled tick (decades) until they fit, upright and in a smaller type, so that the
  // labels do not run into one another.
  function fitNarrow(layout, width) {
    if (!width || width >= 560) return layout;
    var out = Object.assign({}, layout);
    out.font = Object.assign({}, layout.font || {}, { size: 11 });
    var axis = layout.xaxis;
    if (axis && Array.isArray(axis.tickvals) && Array.isArray(axis.ticktext)) {
      var room = Math.max(2, Math.floor((width - 110) / 48));
      var vals = axis.tickvals, text = axis.ticktext;
      while (vals.length > room) {
        vals = vals.filter(function (_, i) { return i % 2 === 0; });
        text = text.filter(function (_, i) { return i % 2 === 0; });
      }
      out.xaxis = Object.assign({}, axis, { tickvals: vals, ticktext: text, tickangle: 0 });
    }
    return out;
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

  // A number as the form reads it back: "1,300,000" and "1_300_000" are 1300000.
  function readNumber(text) {
    var clean = String(text || "").replace(/[,_\s]/g, "");
    if (clean === "") return NaN;
    return Number(clean);
  }

  // Three significant figures without an exponent (as forms.rate_text on the server): as many
  // decimals as the figures need, no more (15.2, not the 15.199999999999999 that 15 decimals
  // of the nearest binary number would show).
  function rateText(value) {
    if (value >= 1000) return String(Math.round(value));
    if (!(value > 0)) return "0";
    var rounded = Number(value.toPrecision(3));
    var decimals = Math.min(20, Math.max(0, 2 - Math.floor(Math.log10(rounded))));
    return rounded.toFixed(decimals).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  }

  // Requests a month and a second stay in step: the one typed decides ("traffic given as"
  // follows it) and the other shows what it converts to, with the form's hours in a month.
  function followRateBasis(event) {
    var name = event.target && event.target.name;
    var basis = name === "avg_rps" ? "second" : name === "requests_per_month" ? "month" : null;
    if (!basis) return;
    var radio = document.querySelector('input[name="rate_basis"][value="' + basis + '"]');
    if (radio && !radio.checked) radio.checked = true;
    var form = document.getElementById("questionnaire");
    if (!form) return;
    var month = form.elements.requests_per_month;
    var second = form.elements.avg_rps;
    var hoursField = form.elements.hours_per_month;
    var hours = readNumber(hoursField && hoursField.value);
    if (!(hours > 0)) hours = 730;
    var typed = readNumber(event.target.value);
    if (!month || !second || !isFinite(typed) || typed < 0) return;
    if (basis === "second") month.value = String(Math.round(typed * hours * 3600));
    else second.value = rateText(typed / (hours * 3600));
  }

  // An option's own fields (Managed Instances, Fargate) show only while it is ticked.
  function followOptions(event) {
    var box = event.target;
    if (!box || box.name !== "options") return;
    document.querySelectorAll('#questionnaire [data-option="' + box.value + '"]').forEach(function (el) {
      el.hidden = !box.checked;
    });
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

  // A picked preset shows its answer: on a phone the headline is above the presets, so the
  // view goes up to it; on a wide screen it is beside them and nothing moves.
  function showPresetAnswer() {
    if (!presetPicked) return;
    presetPicked = false;
    var head = document.getElementById("answer") || document.getElementById("verdict");
    if (!head) return;
    var top = head.getBoundingClientRect().top;
    if (window.matchMedia(NARROW).matches || top < 0 || top > window.innerHeight / 2) {
      head.scrollIntoView({ block: "start" });
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
    document.addEventListener("change", followOptions, true);
    // A request superseded by a later keystroke ends quietly: the form queues the latest one
    // behind the one in flight (hx-sync "queue last": aborting it would log htmx:sendAbort as
    // an error), and the answer to an outdated one is not shown.
    var asked = 0;
    document.body.addEventListener("htmx:confirm", function (event) {
      if (event.detail.elt && event.detail.elt.id === "questionnaire") asked += 1;
    });
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      if (event.detail.elt && event.detail.elt.id === "questionnaire") event.detail.xhr.asked = asked;
    });
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      var xhr = event.detail.xhr;
      if (xhr && xhr.asked !== undefined && xhr.asked < asked) {
        event.detail.shouldSwap = false;
        return;
      }
      purgeCharts(event.detail.target);
      // The response carries (out of band) only the messages that apply now.
      if (event.detail.target && event.detail.target.id === "results") {
        document.querySelectorAll(".field-error").forEach(function (p) { p.textContent = ""; });
      }
    });
    document.body.addEventListener("htmx:afterSettle", function () {
      // The answer first: the charts (below it) are drawn after the view has moved to it.
      showPresetAnswer();
      drawCharts(document);
      markErrors();
      watchSummary();
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
