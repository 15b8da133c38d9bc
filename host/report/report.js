/* masq's HTML report: sorting and filtering of the findings. It reads the
 * rows' data- attributes and text and writes only attributes and text
 * (never markup), so nothing from the events becomes code. A fragment such
 * as #severity=high&reason=homoglyph&host=wks&name=svc sets the filters, and
 * sort=count (or sort=-count, descending) the order. */
(function () {
  "use strict";
  var table = document.getElementById("findings-table");
  var form = document.getElementById("filters");
  if (!table || !form) return;
  var findings = Array.prototype.slice.call(table.querySelectorAll("tbody.finding"));
  var shown = document.getElementById("shown");

  function hostsOf(finding) {
    var texts = [];
    finding.querySelectorAll(".host").forEach(function (node) { texts.push(node.textContent.toLowerCase()); });
    return texts;
  }

  function matches(finding, filter) {
    var d = finding.dataset;
    if (filter.severity && d.severity !== filter.severity) return false;
    if (filter.reason && d.reason.split(",").indexOf(filter.reason) < 0) return false;
    if (filter.name && (d.name + "\n" + d.normal).indexOf(filter.name) < 0) return false;
    if (filter.host && !hostsOf(finding).some(function (h) { return h.indexOf(filter.host) >= 0; })) return false;
    return true;
  }

  function current() {
    return {
      severity: form.elements.severity.value,
      reason: form.elements.reason.value,
      host: form.elements.host.value.trim().toLowerCase(),
      name: form.elements.name.value.trim().toLowerCase()
    };
  }

  function apply(remember) {
    var filter = current(), count = 0;
    findings.forEach(function (finding) {
      var keep = matches(finding, filter);
      finding.hidden = !keep;
      if (keep) count++;
    });
    shown.textContent = count + " of " + findings.length + " findings shown";
    document.body.setAttribute("data-shown", String(count));
    if (remember) {
      var params = new URLSearchParams();
      Object.keys(filter).forEach(function (key) { if (filter[key]) params.set(key, filter[key]); });
      var fragment = params.toString();
      history.replaceState(null, "", fragment ? "#" + fragment : location.pathname + location.search);
    }
  }

  function fromFragment() {
    var fragment = location.hash.slice(1);
    if (fragment.indexOf("=") < 0) {
      /* #f12: a finding's anchor; open its evidence. */
      var target = fragment ? document.getElementById(fragment) : null;
      var details = target ? target.querySelector("details") : null;
      if (details) details.open = true;
      return;
    }
    var params = new URLSearchParams(fragment);
    ["severity", "reason", "host", "name"].forEach(function (key) {
      if (params.has(key)) form.elements[key].value = params.get(key);
    });
    var sort = params.get("sort") || "";
    var header = table.querySelector('th[data-sort="' + sort.replace(/^-/, "").replace(/[^a-z]/g, "") + '"]');
    if (sort && header) sortBy(header, sort.charAt(0) === "-");
  }

  var keys = {
    index: function (f) { return Number(f.dataset.index); },
    severity: function (f) { return Number(f.dataset.severityRank); },
    score: function (f) { return Number(f.dataset.score); },
    reason: function (f) { return f.dataset.reason; },
    name: function (f) { return f.dataset.name; },
    normal: function (f) { return f.dataset.normal; },
    count: function (f) { return Number(f.dataset.count); },
    first: function (f) { return f.dataset.first; }
  };

  /* Ties keep the report's order (by score, then names). */
  function sortBy(header, descending) {
    table.querySelectorAll("th[aria-sort]").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
    var value = keys[header.dataset.sort];
    findings.slice().sort(function (a, b) {
      var x = value(a), y = value(b);
      var order = x < y ? -1 : x > y ? 1 : 0;
      return (descending ? -order : order) || Number(a.dataset.index) - Number(b.dataset.index);
    }).forEach(function (finding) { table.appendChild(finding); });
  }

  table.querySelectorAll("th[data-sort]").forEach(function (header) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = header.textContent;
    header.textContent = "";
    header.appendChild(button);
    button.addEventListener("click", function () {
      sortBy(header, header.getAttribute("aria-sort") === "ascending");
    });
  });

  form.addEventListener("input", function () { apply(true); });
  form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  window.addEventListener("hashchange", function () { fromFragment(); apply(false); });
  form.hidden = false;
  fromFragment();
  apply(false);
  document.body.setAttribute("data-script", "ready");
})();
