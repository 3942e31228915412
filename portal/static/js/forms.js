// Progressive enhancement shared by every page: focus the error summary so screen readers announce it,
// and move focus to the field when a summary link is followed. Pages work without this script.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (ev) {
      var link = ev.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      ev.preventDefault();
      var control = target.matches("input,select,textarea") ? target : target.querySelector("input,select,textarea");
      (control || target).focus();
      target.scrollIntoView({ block: "center" });
    });
  }
})();
