// Text size and contrast preferences (适老化), kept in localStorage across pages.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "gongkai-prefs";
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }
  function save(prefs) {
    try { localStorage.setItem(KEY, JSON.stringify(prefs)); } catch (e) { /* private mode */ }
  }
  function apply(prefs) {
    root.classList.toggle("pref-large", !!prefs.large);
    root.classList.toggle("pref-contrast", !!prefs.contrast);
  }
  var prefs = load();
  apply(prefs);
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-prefs]");
    if (!box) { return; }
    box.hidden = false;
    Array.prototype.forEach.call(box.querySelectorAll("button[data-pref]"), function (button) {
      var name = button.getAttribute("data-pref");
      button.setAttribute("aria-pressed", prefs[name] ? "true" : "false");
      button.addEventListener("click", function () {
        prefs[name] = !prefs[name];
        button.setAttribute("aria-pressed", prefs[name] ? "true" : "false");
        apply(prefs);
        save(prefs);
      });
    });
  });
}());
