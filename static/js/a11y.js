// Keyboards and screen readers around the htmx swaps: where focus goes after a swap, the
// live confirmation as a dialog, field errors tied to their inputs, one announcement per
// tracker status, Ctrl+Enter (Cmd+Enter) to send, and the skip links.
// Plain listeners in a static file, so the page keeps working under its strict CSP.
(function () {
  "use strict";
  var FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), ' +
    "select:not([disabled]), textarea:not([disabled]), [tabindex]";

  function focusOn(el) {
    if (!el) return;
    if (!el.matches(FOCUSABLE)) el.setAttribute("tabindex", "-1");
    el.focus();
  }

  function shown(el) {  // laid out: not hidden, not inside a closed <details>
    return !!el && el.getClientRects().length > 0;
  }

  // What to land on in new content: a region made for reading (a proxy list), else its
  // first control that shows, else the content itself.
  function firstShownControl(container) {
    var pick = function (selector) {
      return Array.prototype.filter.call(container.querySelectorAll(selector), shown)[0];
    };
    return pick('[tabindex="0"]') || pick(FOCUSABLE) || container;
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  // --- focus after a swap ---------------------------------------------------------------
  // What the user was on when a request they started went out (a poll is not theirs).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt, active = document.activeElement, xhr = event.detail.xhr;
    if (!xhr || !active || active === document.body) return;
    if (elt === active || elt.contains(active)) {
      xhr.focusWas = { id: active.id, name: active.name, value: active.value,
                       type: active.type };
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target, xhr = event.detail.xhr;
    if (!xhr || !target) return;
    xhr.swapTarget = target.id;
    var holder = target.parentElement && target.parentElement.closest("[id]");
    xhr.swapHolder = holder ? holder.id : "";
    if (!xhr.focusWas && target.contains(document.activeElement)) {
      var active = document.activeElement;  // a poll replacing what the user is reading
      xhr.focusWas = { id: active.id, name: active.name, value: active.value,
                       type: active.type };
    }
  });

  function placeFocus(xhr) {
    if (xhr.swapTarget === "result") {
      var result = document.getElementById("result"), now = document.activeElement;
      if (!result || !xhr.focusWas) return;
      // Someone who went on typing elsewhere while it ran keeps their place.
      if (!focusLost() && !now.closest("#result, #send-request")) return;
      if (result.classList.contains("confirm")) {
        openDialog(result);
      } else if (result.classList.contains("result-empty")) {
        focusOn(document.getElementById("send-request"));
      } else {
        focusOn(result);
      }
      return;
    }
    if (!xhr.focusWas || !focusLost()) return;
    var was = xhr.focusWas, again = was.id ? document.getElementById(was.id) : null;
    if (!again && was.type === "radio" && was.name) {
      again = document.querySelector('input[type="radio"][name="' + CSS.escape(was.name) +
                                     '"][value="' + CSS.escape(was.value) + '"]');
    }
    // The same control, if the new content still shows it (a stored token folds its field
    // into a closed "Change"); else the first control the new content shows.
    if (again && !shown(again)) again = null;
    if (!again && xhr.swapTarget) {
      var target = document.getElementById(xhr.swapTarget);  // filled in: its new content
      again = target && firstShownControl(target);
    }
    if (!again && xhr.swapHolder) again = document.getElementById(xhr.swapHolder);
    focusOn(again);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.focusPlaced) return;
    xhr.focusPlaced = true;
    placeFocus(xhr);
  });

  // --- the live confirmation: a dialog ----------------------------------------------------
  function openDialog(dialog) {
    focusOn(dialog.querySelector("#confirm-live"));
  }

  function openDialogElement() {
    return document.querySelector('#result.confirm[role="alertdialog"]');
  }

  document.addEventListener("keydown", function (event) {
    var dialog = openDialogElement();
    if (!dialog || !dialog.contains(event.target)) return;
    if (event.key === "Escape") {
      event.preventDefault();
      document.getElementById("cancel-live").click();
    } else if (event.key === "Enter" && !event.target.matches("button, a[href]")) {
      event.preventDefault();
      document.getElementById("confirm-live").click();
    } else if (event.key === "Tab") {
      var stops = Array.prototype.filter.call(dialog.querySelectorAll(FOCUSABLE), function (el) {
        return el.tabIndex >= 0 && el.getClientRects().length > 0;
      });
      if (!stops.length) return;
      var first = stops[0], last = stops[stops.length - 1];
      if (event.shiftKey && event.target === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && event.target === last) {
        event.preventDefault();
        first.focus();
      }
    }
  });

  // --- field errors -----------------------------------------------------------------------
  // The preview's answer replaces the error lists out of band; the inputs beside them say
  // whether they are invalid (aria-invalid, and the red border of .has-errors).
  function markFields() {
    document.querySelectorAll(".field").forEach(function (field) {
      var list = field.querySelector(".errorlist");
      if (!list) return;
      var invalid = list.querySelector("li") !== null;
      field.classList.toggle("has-errors", invalid);
      field.querySelectorAll("input, select, textarea").forEach(function (input) {
        if (input.type === "hidden") return;
        if (invalid) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      });
    });
  }
  document.addEventListener("htmx:afterSettle", markFields);
  document.addEventListener("htmx:oobAfterSwap", markFields);

  // --- tracker announcements --------------------------------------------------------------
  // Each tracker has one live region that only this code writes: once per status (or per
  // problem), never for the elapsed counter or the poll indicator.
  function announceTrackers() {
    document.querySelectorAll(".tracker").forEach(function (tracker) {
      var body = tracker.querySelector(".tracker-body[data-status]");
      var region = tracker.querySelector(".tracker-announce");
      if (!body || !region) return;
      var status = body.dataset.status || "unknown";
      var problem = body.querySelector(".explanation .result-title");
      var key = status + "|" + (problem ? problem.textContent : "");
      if (region.dataset.said === key) return;
      region.dataset.said = key;
      var parts = [tracker.getAttribute("aria-label") + ": " + status + "."];
      var text = body.querySelector(".status-text");
      if (text && text.textContent.trim()) parts.push(text.textContent.trim());
      var explanation = body.querySelector(".explanation");
      if (explanation) parts.push(explanation.textContent.replace(/\s+/g, " ").trim());
      region.textContent = parts.join(" ");
    });
  }
  document.addEventListener("htmx:afterSettle", announceTrackers);

  // --- keyboard ---------------------------------------------------------------------------
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    if (!event.target.closest || !event.target.closest("#builder, .send-area")) return;
    var send = document.getElementById("send-request");
    if (!send) return;
    event.preventDefault();
    if (send.disabled) return;
    send.focus();
    send.click();
  });

  document.addEventListener("click", function (event) {
    var skip = event.target.closest("a.skip-link");
    if (!skip) return;
    var target = document.getElementById(skip.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    focusOn(target);
  });

  // History's "Track" opens the page at its tracker: bring it into view and onto focus.
  document.addEventListener("DOMContentLoaded", function () {
    var hash = window.location.hash;
    if (/^#tracker-[0-9a-f-]+$/.test(hash)) {
      var tracker = document.getElementById(hash.slice(1));
      if (tracker) {
        focusOn(tracker);
        tracker.scrollIntoView({ block: "start" });
      }
    }
    markFields();
  });
})();
