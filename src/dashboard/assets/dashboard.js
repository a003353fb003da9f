// hctl dashboard: refresh <main> in place every few seconds (no reload),
// keeping focus and scroll; the token of a ?token= link rides along in the
// Authorization header, never in further URLs; a signed link's exp and sig
// (no token in them) ride along in the query.
(function () {
  "use strict";
  var INTERVAL_MS = 3000;
  var params = new URLSearchParams(window.location.search);
  var token = params.get("token");
  var headers = token ? { Authorization: "Bearer " + token } : {};
  // A signed link (exp, sig) has no token: it rides along in the query.
  var signed = !token && params.get("exp") && params.get("sig")
    ? "?exp=" + encodeURIComponent(params.get("exp")) + "&sig=" + encodeURIComponent(params.get("sig"))
    : "";
  var main = document.getElementById("content");
  var live = document.getElementById("live");
  var report = document.getElementById("report-link");
  if (token && report) {
    report.href = "launch-report.md?token=" + encodeURIComponent(token);
  } else if (signed && report) {
    report.href = "launch-report.md" + signed;
  }
  function body(html) {
    return html.replace(/^<p class="generated"[^]*?<\/p>/, "");
  }
  // Compare as the browser serialises markup, not as the server wrote it.
  function serialised(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    return t.innerHTML;
  }
  var last = body(main.innerHTML);
  var etag = null;
  function clock() {
    return new Date().toISOString().replace("T", " ").replace(/\..*/, " UTC");
  }
  function refresh() {
    var ask = Object.assign({}, headers);
    if (etag) { ask["If-None-Match"] = etag; }
    fetch("fragment" + signed, { headers: ask, cache: "no-store" })
      .then(function (res) {
        if (res.status === 304) { return null; }
        if (!res.ok) { throw new Error("HTTP " + res.status); }
        etag = res.headers.get("ETag");
        return res.text();
      })
      .then(function (text) {
        var now = clock();
        if (text === null) {
          // Nothing changed since the last answer: only the time moves on.
          var generated = main.querySelector(".generated");
          if (generated) {
            var iso = new Date().toISOString();
            var time = document.createElement("time");
            time.dateTime = iso;
            time.textContent = now;
            generated.dataset.generated = iso;
            generated.replaceChildren("Data as of ", time);
          }
          live.textContent = "Updated " + now;
          main.dataset.refreshed = String(Number(main.dataset.refreshed || 0) + 1);
          return;
        }
        var html = serialised(text);
        if (body(html) !== last) {
          var focused = document.activeElement && document.activeElement.id;
          main.innerHTML = html;
          last = body(html);
          if (focused) {
            var again = document.getElementById(focused);
            if (again) { again.focus(); }
          }
          live.textContent = "Updated " + now + " (changes shown)";
        } else {
          var stamp = main.querySelector(".generated");
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".generated");
          if (stamp && fresh) { stamp.replaceWith(fresh); }
          live.textContent = "Updated " + now;
        }
        main.dataset.refreshed = String(Number(main.dataset.refreshed || 0) + 1);
      })
      .catch(function (err) {
        live.textContent = "Live updates paused: " + err.message;
      })
      .finally(function () { window.setTimeout(refresh, INTERVAL_MS); });
  }
  window.setTimeout(refresh, INTERVAL_MS);
})();
