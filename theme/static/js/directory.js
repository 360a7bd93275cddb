// Service-point directory: "open now" in Beijing time, and the index's filters applied in place.
// Without this script every page still lists its points and the filter pages are plain links.
(function () {
  "use strict";
  var DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
  var WEEKDAYS = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
  var FILTERS = ["region", "kind", "service", "q", "open"];
  // The hours are Beijing time, so "now" is too, whatever the visitor's own time zone.
  var clock = new Intl.DateTimeFormat("en-US", {
    timeZone: "Asia/Shanghai", weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
  });

  function beijingNow() {
    var parts = {};
    clock.formatToParts(new Date()).forEach(function (part) { parts[part.type] = part.value; });
    return { day: WEEKDAYS[parts.weekday], minute: (Number(parts.hour) % 24) * 60 + Number(parts.minute) };
  }

  function minutes(time) {
    return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
  }

  // {open: true, until} while a span runs; else the next opening within a week {offset (days), day, time}.
  function status(schedule, now) {
    var today = schedule[DAYS[now.day]] || [];
    for (var i = 0; i < today.length; i++) {
      if (minutes(today[i][0]) <= now.minute && now.minute < minutes(today[i][1])) {
        return { open: true, until: today[i][1] };
      }
    }
    for (var offset = 0; offset <= 7; offset++) {
      var day = (now.day + offset) % 7;
      var spans = schedule[DAYS[day]] || [];
      for (var j = 0; j < spans.length; j++) {
        if (offset > 0 || minutes(spans[j][0]) > now.minute) {
          return { open: false, offset: offset, day: day, time: spans[j][0] };
        }
      }
    }
    return { open: false };
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function describe(state, text) {
    if (state.open) {
      return fill(text.openUntil, { time: state.until });
    }
    if (state.time === undefined) {
      return text.closed;
    }
    var day = state.offset === 0 ? text.today : state.offset === 1 ? text.tomorrow : text.days[DAYS[state.day]];
    return fill(text.closedOpens, { day: day, time: state.time });
  }

  function showOpenStatus(holders, text) {
    var now = beijingNow();
    holders.forEach(function (holder) {
      var state = status(JSON.parse(holder.getAttribute("data-hours")), now);
      holder.setAttribute("data-open", state.open ? "1" : "0");
      var out = holder.querySelector("[data-open-status]");
      if (out) {
        out.textContent = describe(state, text);
        out.className = "open-status " + (state.open ? "is-open" : "is-closed");
        out.hidden = false;
      }
    });
  }

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(Boolean);
  }

  // Returns the function that filters the list again.
  function setUpFilters(form, points) {
    var sections = Array.prototype.slice.call(document.querySelectorAll("[data-region-section]"));
    var count = document.querySelector("[data-dir-count]");
    var empty = document.querySelector("[data-dir-empty]");
    var links = document.querySelector("[data-filter-links]");
    var controls = form.elements;

    function current() {
      return {
        region: controls.region.value, kind: controls.kind.value, service: controls.service.value,
        q: controls.q.value.trim(), open: controls.open.checked
      };
    }

    function matches(point, wanted, terms) {
      var text = point.getAttribute("data-text");
      return (!wanted.region || point.getAttribute("data-region") === wanted.region) &&
        (!wanted.kind || point.getAttribute("data-kind") === wanted.kind) &&
        (!wanted.service || point.getAttribute("data-services").split(" ").indexOf(wanted.service) >= 0) &&
        (!wanted.open || point.getAttribute("data-open") === "1") &&
        terms.every(function (term) { return text.indexOf(term) >= 0; });
    }

    function remember(wanted) {
      var params = new URLSearchParams(window.location.search);
      FILTERS.forEach(function (name) {
        var value = name === "open" ? (wanted.open ? "1" : "") : wanted[name];
        if (value) { params.set(name, value); } else { params.delete(name); }
      });
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }

    function apply() {
      var wanted = current();
      var terms = words(wanted.q);
      var shown = 0;
      points.forEach(function (point) {
        var ok = matches(point, wanted, terms);
        point.hidden = !ok;
        if (ok) { shown++; }
      });
      sections.forEach(function (section) {
        section.hidden = !section.querySelector("[data-point]:not([hidden])");
      });
      var filtered = FILTERS.some(function (name) { return Boolean(wanted[name]); });
      var message = fill(count.getAttribute(filtered ? "data-some" : "data-all"),
                         { shown: shown, total: points.length });
      if (count.textContent !== message) { count.textContent = message; }
      empty.hidden = shown > 0;
      remember(wanted);
    }

    var params = new URLSearchParams(window.location.search);
    ["region", "kind", "service"].forEach(function (name) {
      var value = params.get(name);
      if (value && controls[name].querySelector('option[value="' + CSS.escape(value) + '"]')) {
        controls[name].value = value;
      }
    });
    controls.q.value = params.get("q") || "";
    controls.open.checked = params.get("open") === "1";

    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.querySelector("[data-dir-reset]").addEventListener("click", function () {
      form.reset();
      apply();
    });
    form.hidden = false;
    if (links) { links.hidden = true; }
    apply();
    return apply;
  }

  function init() {
    var strings = document.getElementById("directory-strings");
    if (!strings || !window.Intl) { return; }
    var text = JSON.parse(strings.textContent);
    var holders = Array.prototype.slice.call(document.querySelectorAll("[data-hours]"));
    showOpenStatus(holders, text);
    var form = document.querySelector("[data-dir-filters]");
    var filter = form ? setUpFilters(form, Array.prototype.slice.call(document.querySelectorAll("[data-point]")))
      : function () {};
    // Opening hours move on while the page stays open.
    window.setInterval(function () { showOpenStatus(holders, text); filter(); }, 60000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
