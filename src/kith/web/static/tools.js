/* Kith: the draft editor and the settings page. No inline script: the CSP allows only files. */
(function () {
  "use strict";

  function status(from, text) {
    var scope = from.closest("form, .notice, section") || document;
    var box = scope.querySelector("[data-copied]") || document.querySelector("[data-copied]");
    if (!box) return;
    box.textContent = text;
    box.classList.add("shown");
    clearTimeout(box._kithTimer);
    box._kithTimer = setTimeout(function () {
      box.classList.remove("shown");
      box.textContent = "";
    }, 2500);
  }

  function textOf(target) {
    if ("value" in target && typeof target.value === "string") return target.value;
    return target.textContent || "";
  }

  function fallbackCopy(target, text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "copy-helper";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (!ok && target.select) target.select();
    return ok;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    event.preventDefault();
    var target = document.querySelector(button.getAttribute("data-copy"));
    if (!target) return;
    var text = textOf(target);
    var label = button.getAttribute("data-copied-label") || "Copied";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { status(button, label); },
        function () { status(button, fallbackCopy(target, text) ? label : "Press Ctrl+C to copy"); }
      );
    } else {
      status(button, fallbackCopy(target, text) ? label : "Selected: press Ctrl+C to copy");
    }
  });

  /* The mailto link follows the edited subject and body (RFC 6068: CRLF line breaks). */
  function encode(text) {
    return encodeURIComponent(text.replace(/\r\n?|\n/g, "\r\n"));
  }

  function updateMailto(root) {
    var link = root.querySelector("[data-mailto]");
    if (!link) return;
    var box = root.closest("[data-address]") || root.querySelector("[data-address]") || root;
    var address = box.getAttribute("data-address") || "";
    var subject = root.querySelector("#draft-subject");
    var body = root.querySelector("#draft-body");
    var parts = [];
    if (subject && subject.value) parts.push("subject=" + encode(subject.value));
    if (body && body.value) parts.push("body=" + encode(body.value));
    link.setAttribute("href", "mailto:" + encodeURIComponent(address).replace("%40", "@") +
      (parts.length ? "?" + parts.join("&") : ""));
  }

  function updateCount(field) {
    var counter = document.querySelector(field.getAttribute("data-count"));
    if (counter) counter.textContent = String(field.value.length);
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-mailto-part")) {
      var root = field.closest("#draft-text");
      if (root) updateMailto(root);
    }
    if (field.hasAttribute && field.hasAttribute("data-count")) updateCount(field);
  });
})();
