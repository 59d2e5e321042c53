(function () {
  "use strict";
  // filters: an element with data-filter is shown when it matches every chosen filter
  // (an element that does not carry an attribute is not filtered by it)
  var sel = function (id) { return document.getElementById(id); };
  var filters = [["f-doc", "doc"], ["f-theorem", "theorem"], ["f-verdict", "verdict"]];
  function apply() {
    var want = filters.map(function (f) { var s = sel(f[0]); return [f[1], s ? s.value : ""]; });
    document.querySelectorAll("[data-filter]").forEach(function (e) {
      e.hidden = !want.every(function (w) {
        var have = e.getAttribute("data-" + w[0]);
        return !w[1] || have === null || have.split("|").indexOf(w[1]) >= 0;
      });
    });
  }
  filters.forEach(function (f) { var s = sel(f[0]); if (s) s.addEventListener("change", apply); });
  // a link into a collapsed section opens it (and the ones around it)
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el) return;
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") p.open = true;
      if (p.hidden) p.hidden = false;
    }
    el.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);
  if (location.hash) reveal();
})();
