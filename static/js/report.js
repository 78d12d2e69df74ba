// Saved report page: the copy-link and print buttons. The charts are drawn by app.js from
// the stored snapshot's figures (json_script), like on the live page. No inline script: the
// CSP forbids it.
(function () {
  "use strict";

  function copyLink() {
    var button = document.getElementById("copy-link");
    var input = document.getElementById("share-url");
    var status = document.getElementById("copy-status");
    if (!button || !input || !status) return;
    button.addEventListener("click", function () {
      var done = function () { status.textContent = button.dataset.copied; };
      var fallback = function () {
        input.focus();
        input.select();
        try {
          if (document.execCommand("copy")) { done(); return; }
        } catch (e) { /* fall through to the hint */ }
        status.textContent = button.dataset.failed;
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  }

  function printing() {
    var button = document.getElementById("print-report");
    if (button) button.addEventListener("click", function () { window.print(); });
    // Charts are drawn for the screen: redraw them at paper width and a lower height before
    // printing (A4 less margins is about 700 CSS px), and back afterwards.
    var saved = [];
    window.addEventListener("beforeprint", function () {
      if (typeof window.Plotly === "undefined") return;
      saved = [];
      document.querySelectorAll(".js-plotly-plot").forEach(function (el) {
        var layout = el.layout || {};
        saved.push([el, layout.width, layout.height, (layout.font || {}).size]);
        window.Plotly.relayout(el, { width: 680, height: 220, "font.size": 10 });
      });
    });
    window.addEventListener("afterprint", function () {
      saved.forEach(function (s) {
        window.Plotly.relayout(s[0], { width: s[1] || null, height: s[2] || null,
                                       "font.size": s[3] || null, autosize: true });
      });
      saved = [];
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    copyLink();
    printing();
  });
})();
