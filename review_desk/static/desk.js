/* Review desk: image lightbox with zoom, reason fields shown for ticked steps, confirm before approving.
   Without this script the images open in a new tab and every reason field stays visible. */
(function () {
  "use strict";
  var box = document.querySelector("[data-lightbox]");
  if (box) {
    var img = box.querySelector("[data-lightbox-img]");
    var opener = null;
    var close = function () {
      box.hidden = true; img.removeAttribute("src"); box.classList.remove("is-zoomed");
      if (opener) { opener.focus(); }
    };
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-zoom]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      event.preventDefault();
      opener = link;
      img.src = link.getAttribute("href");
      img.alt = link.getAttribute("title") || "";
      box.hidden = false;
      box.querySelector("[data-lightbox-close]").focus();
    });
    img.addEventListener("click", function (event) { event.stopPropagation(); box.classList.toggle("is-zoomed"); });
    box.addEventListener("click", function (event) {
      if (event.target === box || event.target.hasAttribute("data-lightbox-close") ||
          event.target.hasAttribute("data-lightbox-stage")) { close(); }
    });
    document.addEventListener("keydown", function (event) { if (event.key === "Escape" && !box.hidden) { close(); } });
  }

  var sync = function (toggle) {
    var body = toggle.closest("fieldset").querySelector("[data-reason-body]");
    if (body) { body.hidden = !toggle.checked; }
  };
  document.querySelectorAll("[data-reason-toggle]").forEach(function (toggle) {
    sync(toggle);
    toggle.addEventListener("change", function () {
      sync(toggle);
      if (toggle.checked) { toggle.closest("fieldset").querySelector("textarea").focus(); }
    });
  });

  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.form.addEventListener("submit", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
