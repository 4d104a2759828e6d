// Small behaviours around the htmx builder: snippet tabs, copy buttons, the share link.
// Plain event listeners (no inline handlers), so the page works under a strict CSP.
(function () {
  "use strict";
  var LANG_KEY = "playground.snippet-lang";

  function showLang(root, lang) {
    var tabs = root.querySelectorAll('[role="tab"][data-lang]');
    if (!tabs.length) return;
    var found = false;
    tabs.forEach(function (tab) { if (tab.dataset.lang === lang) found = true; });
    if (!found) lang = tabs[0].dataset.lang;
    tabs.forEach(function (tab) {
      tab.setAttribute("aria-selected", tab.dataset.lang === lang ? "true" : "false");
      tab.tabIndex = tab.dataset.lang === lang ? 0 : -1;
    });
    root.querySelectorAll('[role="tabpanel"][data-lang]').forEach(function (panel) {
      panel.hidden = panel.dataset.lang !== lang;
    });
  }

  function restoreLang() {
    var lang = null;
    try { lang = sessionStorage.getItem(LANG_KEY); } catch (e) { /* storage off */ }
    if (lang) showLang(document, lang);
  }

  function copyText(text, button) {
    var done = function () {
      var label = button.textContent;
      button.textContent = button.dataset.copied || "Copied";
      button.classList.add("copied");
      setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
    }
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(area);
  }

  document.addEventListener("click", function (event) {
    var tab = event.target.closest('[role="tab"][data-lang]');
    if (tab) {
      showLang(document, tab.dataset.lang);
      try { sessionStorage.setItem(LANG_KEY, tab.dataset.lang); } catch (e) { /* storage off */ }
      return;
    }
    var copy = event.target.closest("[data-copy-target]");
    if (copy) {
      var source = document.getElementById(copy.dataset.copyTarget);
      if (source) copyText(source.textContent.replace(/\n$/, ""), copy);
      return;
    }
    var link = event.target.closest("#copy-link");
    if (link) {
      link.dataset.url = window.location.href;
      copyText(window.location.href, link);
    }
  });

  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest('[role="tab"][data-lang]');
    if (!tab || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
    var tabs = Array.prototype.slice.call(tab.parentNode.querySelectorAll('[role="tab"]'));
    var next = tabs[(tabs.indexOf(tab) + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    next.focus();
    next.click();
  });

  // A control that belongs to the builder from outside it (the token panel's "Sent as")
  // refreshes the preview as the builder's own fields do.
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.id === "builder" && !form.contains(event.target) && window.htmx) {
      window.htmx.trigger(form, "input");
    }
  });

  // Trackers count their elapsed seconds here; polls only answer when something changed.
  function tickElapsed() {
    document.querySelectorAll(".elapsed[data-elapsed]").forEach(function (el) {
      if (!el.dataset.shownAt) el.dataset.shownAt = String(performance.now());
      var seconds = parseFloat(el.dataset.elapsed) +
        (performance.now() - parseFloat(el.dataset.shownAt)) / 1000;
      el.textContent = seconds.toFixed(1) + " s";
    });
  }
  setInterval(tickElapsed, 500);

  // A tracker's first status answer names the price: the create's result shows it too.
  function showCharged() {
    document.querySelectorAll("[data-charged-for]").forEach(function (el) {
      var target = document.getElementById("charged-" + el.dataset.chargedFor);
      if (target && target.textContent !== el.textContent) {
        target.textContent = el.textContent;
        target.classList.add("known");
      }
    });
  }
  document.addEventListener("htmx:afterSettle", showCharged);

  // After an order's result, placing the same order again is a deliberate act. The result
  // keeps the form's submission key (sending it again only shows this result) and brings a
  // fresh one in data-another; Send then reads "Place another order" and takes the fresh key
  // only on a click that is not part of the burst that placed the order: not within
  // SETTLE_MS of the result, nor within BURST_GAP_MS of the click before.
  var SETTLE_MS = 1500;
  var BURST_GAP_MS = 700;
  var lastSendClick = -Infinity;
  var resultAt = -Infinity;
  var keyInput = null;

  function sendLabel(send, another) {
    if (!send.dataset.label) send.dataset.label = send.textContent;
    send.textContent = another ? "Place another order" : send.dataset.label;
    send.dataset.mode = another ? "another" : "";
  }

  function followSubmissionKey() {
    var key = document.getElementById("submission-key");
    var send = document.getElementById("send-request");
    if (!key || !send || key === keyInput) return;
    keyInput = key;  // a new result brought a new input
    if (key.dataset.another) resultAt = performance.now();
    sendLabel(send, Boolean(key.dataset.another));
  }
  document.addEventListener("htmx:afterSwap", followSubmissionKey);
  document.addEventListener("htmx:oobAfterSwap", followSubmissionKey);

  function takeFreshKey() {
    var key = document.getElementById("submission-key");
    var send = document.getElementById("send-request");
    if (!key || !send || !key.dataset.another) return;
    key.value = key.dataset.another;
    delete key.dataset.another;
    sendLabel(send, false);
  }

  // Changing the request is deliberate too: the next Send is a new submission.
  document.addEventListener("input", function (event) {
    var form = event.target.form || event.target;
    if (form && form.id === "builder") takeFreshKey();
  });

  document.addEventListener("click", function (event) {
    var send = event.target.closest && event.target.closest("#send-request");
    if (!send) return;
    var now = performance.now();
    var inBurst = now - lastSendClick < BURST_GAP_MS || now - resultAt < SETTLE_MS;
    lastSendClick = now;
    if (send.dataset.mode !== "another") return;
    if (inBurst) {  // a click of the burst that placed the order: it does nothing
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    takeFreshKey();
  }, true);

  // On a wide screen the right pane scrolls on its own: bring a new result to its top.
  document.addEventListener("htmx:afterRequest", function (event) {  // after its swap
    var elt = event.detail && event.detail.elt;  // the element that asked
    if (!elt || (elt.id !== "send-request" && elt.id !== "confirm-live")) return;
    var result = document.getElementById("result");
    var pane = result && result.closest(".pane-output");
    if (!pane || pane.scrollHeight <= pane.clientHeight) return;  // one column: no pane
    pane.scrollTop += result.getBoundingClientRect().top - pane.getBoundingClientRect().top;
  });

  // History's "Re-send" brings the request back into the builder. A read goes out at once;
  // an order waits for Send, so it passes the usual checks (and, live, the confirmation).
  function resendFromHistory() {
    if (window.location.hash !== "#resend") return;
    history.replaceState(history.state, "", window.location.pathname + window.location.search);
    var send = document.getElementById("send-request");
    if (!send) return;
    var endpoint = document.querySelector('#builder input[name="endpoint"]:checked');
    if (endpoint && endpoint.value !== "create") {
      send.click();
      return;
    }
    var note = document.getElementById("resend-note");
    if (note) note.hidden = false;
    send.focus();
  }
  document.addEventListener("DOMContentLoaded", resendFromHistory);

  document.addEventListener("DOMContentLoaded", restoreLang);
  document.addEventListener("htmx:afterSettle", restoreLang);
})();
