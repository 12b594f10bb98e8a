(function () {
  "use strict";
  // Following a link (reused passage, duplicate, timeline dot) opens the <details> holding it.
  function reveal(id) {
    var el = document.getElementById(id);
    if (!el) return;
    for (var p = el; p; p = p.parentElement) if (p.tagName === "DETAILS") p.open = true;
    el.scrollIntoView();
  }
  function fromHash() { if (location.hash.length > 1) reveal(decodeURIComponent(location.hash.slice(1))); }
  window.addEventListener("hashchange", fromHash);
  fromHash();
  var stories = document.querySelectorAll("details.story");
  function setAll(open) { for (var i = 0; i < stories.length; i++) stories[i].open = open; }
  document.getElementById("expand").addEventListener("click", function () { setAll(true); });
  document.getElementById("collapse").addEventListener("click", function () { setAll(false); });
  var filter = document.getElementById("filter"), timer = 0;
  filter.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = filter.value.trim().toLowerCase();
      for (var i = 0; i < stories.length; i++) {
        var s = stories[i];
        s.hidden = q !== "" && (s.getAttribute("data-q") || "").toLowerCase().indexOf(q) < 0;
      }
    }, 150);
  });
})();
