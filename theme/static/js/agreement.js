// Agreement fill-in: live preview, validation, 大写金额, printing and a filled DOCX made in the browser.
// Nothing typed leaves the page: no requests are made (the page's CSP forbids them), values go into the
// preview as text (never HTML) and into the DOCX XML-escaped.
(function () {
  "use strict";

  var dataNode = document.getElementById("agreement-data");
  var docxNode = document.getElementById("agreement-docx");
  var form = document.getElementById("agreement-form");
  var doc = document.getElementById("agreement-doc");
  if (!dataNode || !docxNode || !form || !doc) { return; }
  var data = JSON.parse(dataNode.textContent);
  var docxParts = JSON.parse(docxNode.textContent);
  var messages = data.messages;
  var status = document.getElementById("agreement-status");
  var summary = document.getElementById("error-summary");

  var DIGITS = "零壹贰叁肆伍陆柒捌玖";
  var SMALL_UNITS = ["", "拾", "佰", "仟"];
  var GROUP_UNITS = ["", "万", "亿", "万亿"];
  var MONEY_RE = /^\d{1,16}(\.\d{1,2})?$/;
  var NUMBER_RE = /^-?\d+(\.\d+)?$/;
  var DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
  var CHECKED = "\u2611";
  var UNCHECKED = "\u2610";

  // 大写金额: 1200.50 → 壹仟贰佰元伍角, 1005.07 → 壹仟零伍元零柒分, 100 → 壹佰元整.
  function capitals(amount) {
    var parts = amount.split(".");
    var whole = parts[0].replace(/^0+(?=\d)/, "");
    var cents = ((parts[1] || "") + "00").slice(0, 2);
    var out = "";
    var zero = false;
    var groups = Math.ceil(whole.length / 4);
    var padded = whole.padStart(groups * 4, "0");
    for (var g = 0; g < groups; g += 1) {
      var group = padded.slice(g * 4, g * 4 + 4);
      if (group === "0000") { zero = zero || out !== ""; continue; }
      for (var i = 0; i < 4; i += 1) {
        var d = +group[i];
        if (d === 0) { zero = zero || out !== ""; continue; }
        if (zero) { out += "零"; zero = false; }
        out += DIGITS[d] + SMALL_UNITS[3 - i];
      }
      out += GROUP_UNITS[groups - 1 - g];
    }
    var jiao = +cents[0];
    var fen = +cents[1];
    if (out) { out += "元"; }
    if (!jiao && !fen) { return (out || "零元") + "整"; }
    if (jiao) { out += DIGITS[jiao] + "角"; } else if (out) { out += "零"; }
    if (fen) { out += DIGITS[fen] + "分"; }
    return out;
  }

  function realDate(value) {
    var m = DATE_RE.exec(value);
    if (!m) { return null; }
    var date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    var ok = date.getUTCFullYear() === +m[1] && date.getUTCMonth() === +m[2] - 1 && date.getUTCDate() === +m[3];
    return ok ? date : null;
  }

  var dateFormat = new Intl.DateTimeFormat(data.locale, {
    year: "numeric", month: "long", day: "numeric", timeZone: "UTC"
  });

  // One record per form control, with the blanks it fills in the preview.
  var fields = Array.prototype.map.call(form.querySelectorAll("[data-field-input]"), function (input) {
    var id = input.getAttribute("data-field-input");
    var spans = Array.prototype.slice.call(doc.querySelectorAll('[data-field="' + id + '"]'));
    return {
      id: id,
      kind: input.getAttribute("data-kind"),
      input: input,
      label: form.querySelector('label[for="' + input.id + '"]').textContent.replace(/\s*\*$/, ""),
      spans: spans,
      blank: spans.length ? spans[0].textContent : "",
      error: document.getElementById(input.id + "-error"),
      capitals: form.querySelector('[data-capitals="' + id + '"]'),
      touched: false
    };
  });
  var byId = {};
  fields.forEach(function (f) { byId[f.id] = f; });

  function raw(f) {
    return f.kind === "checkbox" ? "" : f.input.value.trim();
  }

  // The text a blank shows for the current value ("" = leave the blank).
  function display(f) {
    var value = raw(f);
    if (f.kind === "checkbox") { return f.input.checked ? CHECKED : UNCHECKED; }
    if (f.kind === "choice") { return f.input.selectedIndex > 0 ? f.input.options[f.input.selectedIndex].text : ""; }
    if (f.kind === "date" && realDate(value)) { return dateFormat.format(realDate(value)); }
    if (f.kind === "money" && MONEY_RE.test(value.replace(/,/g, ""))) { return value.replace(/,/g, ""); }
    return value;
  }

  function problem(f) {
    var value = raw(f);
    if (f.kind === "checkbox") { return ""; }
    if (f.kind === "date" && f.input.validity && f.input.validity.badInput) { return messages.date; }
    if (!value) { return f.input.required ? messages.required : ""; }
    if (f.kind === "date" && !realDate(value)) { return messages.date; }
    if (f.kind === "money" && !MONEY_RE.test(value.replace(/,/g, ""))) { return messages.money; }
    if (f.kind === "number" && !NUMBER_RE.test(value)) { return messages.number; }
    return "";
  }

  function showProblem(f, cleared) {
    var message = cleared ? "" : problem(f);
    f.error.textContent = message;
    f.error.hidden = !message;
    if (message) { f.input.setAttribute("aria-invalid", "true"); } else { f.input.removeAttribute("aria-invalid"); }
    return message;
  }

  function render(blank) {
    fields.forEach(function (f) {
      var text = blank ? "" : display(f);
      f.spans.forEach(function (span) {
        span.textContent = text || f.blank;
        span.classList.toggle("filled", !!text && text !== UNCHECKED);
      });
      if (f.capitals) {
        var amount = raw(f).replace(/,/g, "");
        f.capitals.textContent = MONEY_RE.test(amount) ? capitals(amount) : "";
        f.capitals.parentNode.hidden = !f.capitals.textContent;
      }
    });
  }

  // Check every field; list the problems in the summary and move focus there.
  function validateAll() {
    var list = summary.querySelector("ul");
    list.textContent = "";
    fields.forEach(function (f) {
      f.touched = true;
      var message = showProblem(f);
      if (!message) { return; }
      var link = document.createElement("a");
      link.href = "#" + f.input.id;
      link.textContent = f.label + ": " + message;
      var item = document.createElement("li");
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.hidden = !list.children.length;
    if (!summary.hidden) {
      say(messages.fix);
      summary.focus();
    }
    return summary.hidden;
  }

  function say(text) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  // --- DOCX: the build-time package parts, with each [[id]] replaced by its escaped value. ---
  function xmlText(text) {
    return text
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "$1")
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&apos;");
  }

  function documentXml(xml) {
    return xml.replace(/\[\[([A-Za-z0-9_]+)\]\]/g, function (whole, id) {
      var f = byId[id];
      return f ? xmlText(display(f) || f.blank) : whole;
    });
  }

  var CRC_TABLE = (function () {
    var table = new Uint32Array(256);
    for (var n = 0; n < 256; n += 1) {
      var c = n;
      for (var k = 0; k < 8; k += 1) { c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1; }
      table[n] = c >>> 0;
    }
    return table;
  }());

  function crc32(bytes) {
    var c = 0xFFFFFFFF;
    for (var i = 0; i < bytes.length; i += 1) { c = CRC_TABLE[(c ^ bytes[i]) & 0xFF] ^ (c >>> 8); }
    return (c ^ 0xFFFFFFFF) >>> 0;
  }

  // A ZIP archive of stored (uncompressed) members: enough for a DOCX package.
  function zip(files) {
    var encoder = new TextEncoder();
    var chunks = [];
    var central = [];
    var offset = 0;
    var centralSize = 0;
    var DOS_DATE = 0x21; // 1980-01-01
    files.forEach(function (file) {
      var name = encoder.encode(file[0]);
      var body = encoder.encode(file[1]);
      var crc = crc32(body);
      var local = new DataView(new ArrayBuffer(30));
      local.setUint32(0, 0x04034b50, true);
      local.setUint16(4, 20, true);
      local.setUint16(6, 0x0800, true); // names are UTF-8
      local.setUint16(8, 0, true); // stored
      local.setUint16(10, 0, true);
      local.setUint16(12, DOS_DATE, true);
      local.setUint32(14, crc, true);
      local.setUint32(18, body.length, true);
      local.setUint32(22, body.length, true);
      local.setUint16(26, name.length, true);
      local.setUint16(28, 0, true);
      var entry = new DataView(new ArrayBuffer(46));
      entry.setUint32(0, 0x02014b50, true);
      entry.setUint16(4, 20, true);
      entry.setUint16(6, 20, true);
      entry.setUint16(8, 0x0800, true);
      entry.setUint16(10, 0, true);
      entry.setUint16(12, 0, true);
      entry.setUint16(14, DOS_DATE, true);
      entry.setUint32(16, crc, true);
      entry.setUint32(20, body.length, true);
      entry.setUint32(24, body.length, true);
      entry.setUint16(28, name.length, true);
      entry.setUint32(42, offset, true);
      chunks.push(local, name, body);
      central.push(entry, name);
      offset += 30 + name.length + body.length;
      centralSize += 46 + name.length;
    });
    var end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, files.length, true);
    end.setUint16(10, files.length, true);
    end.setUint32(12, centralSize, true);
    end.setUint32(16, offset, true);
    return new Blob(chunks.concat(central, [end]), {
      type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    });
  }

  function downloadDocx() {
    var files = docxParts.map(function (part) {
      return part[0] === "word/document.xml" ? [part[0], documentXml(part[1])] : part;
    });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(zip(files));
    link.download = data.filename;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    say(messages.downloaded);
  }

  function printBlank() {
    render(true);
    window.addEventListener("afterprint", function () { render(false); }, { once: true });
    window.print();
  }

  // --- wiring ---
  form.hidden = false;
  document.querySelector("[data-agreement-layout]").classList.add("filling");
  Array.prototype.forEach.call(document.querySelectorAll("[data-agreement-nojs]"), function (node) {
    node.hidden = true;
  });

  form.addEventListener("input", function (event) {
    render(false);
    var f = byId[event.target.getAttribute("data-field-input")];
    if (f && f.touched) { showProblem(f); }
  });
  // A field is checked once it has been left (a date with an impossible day never fires "change").
  function leave(event) {
    var f = byId[event.target.getAttribute("data-field-input")];
    if (f) { f.touched = true; showProblem(f); }
    render(false);
  }
  form.addEventListener("change", leave);
  form.addEventListener("focusout", leave);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () {
    window.setTimeout(function () {
      fields.forEach(function (f) { f.touched = false; showProblem(f, true); });
      summary.hidden = true;
      render(false);
    }, 0);
  });
  form.addEventListener("click", function (event) {
    var action = event.target.getAttribute("data-action");
    if (action === "print" && validateAll()) { window.print(); }
    if (action === "download" && validateAll()) { downloadDocx(); }
    if (action === "print-blank") { printBlank(); }
  });
  // A blank in the document takes you to its field.
  doc.addEventListener("click", function (event) {
    var span = event.target.closest("[data-field]");
    if (span && byId[span.getAttribute("data-field")]) { byId[span.getAttribute("data-field")].input.focus(); }
  });

  // This page forbids form submission (CSP form-action 'none'); the site search still navigates.
  Array.prototype.forEach.call(document.querySelectorAll("form[role=search]"), function (search) {
    search.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = new URLSearchParams(new FormData(search)).toString();
      window.location.assign(search.getAttribute("action") + "?" + query);
    });
  });

  render(false);
}());
