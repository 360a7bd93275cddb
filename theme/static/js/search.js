// Site search in the browser over the static index the build writes (gongkai.search.export).
// The text rules are those of plugins/gongkai/search/analysis.py, ported: keep the two in step.
(function () {
  "use strict";

  // ---- analysis (same rules as analysis.py) -------------------------------------------------
  var HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}";
  var LATIN = "0-9a-z\u00df-\u00f6\u00f8-\u00ff";
  var HAN_ONLY = new RegExp("^[" + HAN + "]+$", "u");
  var HAN_CHAR = new RegExp("[" + HAN + "]", "u");
  var BRACKETS = { "[": "〔", "]": "〕", "【": "〔", "】": "〕", "„": "〔", "‟": "〕" };
  var START = "<", END = ">", WORD = "=";
  var MAX_QUERY = 50;  // characters; longer queries are cut (each bigram may cost a fetch)
  var SPACE = /[\s\x1c-\x1f\x85]+/u;

  function scanner() { return new RegExp("([" + HAN + "]+)|([" + LATIN + "]+)", "gu"); }

  // Porter stemmer, as whoosh.lang.porter (Python's re.match anchors at the start, hence every ^).
  var STEP2 = { ational: "ate", tional: "tion", enci: "ence", anci: "ance", izer: "ize", bli: "ble", alli: "al",
    entli: "ent", eli: "e", ousli: "ous", ization: "ize", ation: "ate", ator: "ate", alism: "al", iveness: "ive",
    fulness: "ful", ousness: "ous", aliti: "al", iviti: "ive", biliti: "ble", logi: "log" };
  var STEP3 = { icate: "ic", ative: "", alize: "al", iciti: "ic", ical: "ic", ful: "", ness: "" };
  var C = "[^aeiouy]+", V = "[aeiou]+";
  var MGR0 = new RegExp("^(" + C + ")?" + V + C);
  var MEQ1 = new RegExp("^(" + C + ")?" + V + C + "(" + V + ")?$");
  var MGR1 = new RegExp("^(" + C + ")?" + V + C + V + C);
  var S_V = new RegExp("^(" + C + ")?[aeiouy]");
  var C_V = new RegExp("^" + C + "[aeiouy][^aeiouwxy]$");
  var ED_ING = /^(.*)(ed|ing)$/, AT_BL_IZ = /^(at|bl|iz)$/, DOUBLE = /^([^aeiouylsz])\1$/;
  var RE2 = /^(.+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/;
  var RE3 = /^(.+?)(icate|ative|alize|iciti|ical|ful|ness)$/;
  var RE4 = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;
  var RE4B = /^(.+?)(s|t)(ion)$/, RE5 = /^(.+?)e$/;

  function stem(w) {
    if (w.length < 3) { return w; }
    var m, s;
    var firstY = w.charAt(0) === "y";
    if (firstY) { w = "Y" + w.slice(1); }
    if (w.slice(-1) === "s") {
      if (w.slice(-4) === "sses" || w.slice(-3) === "ies") { w = w.slice(0, -2); }
      else if (w.charAt(w.length - 2) !== "s") { w = w.slice(0, -1); }
    }
    if (w.slice(-3) === "eed") {
      if (MGR0.test(w.slice(0, -3))) { w = w.slice(0, -1); }
    } else if ((m = ED_ING.exec(w))) {
      s = m[1];
      if (S_V.test(s)) {
        w = s;
        if (AT_BL_IZ.test(w)) { w += "e"; }
        else if (DOUBLE.test(w)) { w = w.slice(0, -1); }
        else if (C_V.test(w)) { w += "e"; }
      }
    }
    if (w.slice(-1) === "y") {
      s = w.slice(0, -1);
      if (S_V.test(s)) { w = s + "i"; }
    }
    if ((m = RE2.exec(w)) && MGR0.test(m[1])) { w = m[1] + STEP2[m[2]]; }
    if ((m = RE3.exec(w)) && MGR0.test(m[1])) { w = m[1] + STEP3[m[2]]; }
    if ((m = RE4.exec(w))) {
      if (MGR1.test(m[1])) { w = m[1]; }
    } else if ((m = RE4B.exec(w))) {
      s = m[1] + m[2];
      if (MGR1.test(s)) { w = s; }
    }
    if ((m = RE5.exec(w))) {
      s = m[1];
      if (MGR1.test(s) || (MEQ1.test(s) && !C_V.test(s))) { w = s; }
    }
    if (w.slice(-2) === "ll" && MGR1.test(w)) { w = w.slice(0, -1); }
    if (firstY) { w = "y" + w.slice(1); }
    return w;
  }

  // NFKC, one bracket style, Simplified characters (table: t2s entries loaded so far), lower case.
  function normalize(text, t2s) {
    var out = "";
    for (var ch of text.normalize("NFKC")) { out += BRACKETS[ch] || t2s[ch] || ch; }
    return out.toLowerCase();
  }

  function analyseChunk(text, stop) {
    var tokens = [], stops = 0, anyHan = false, re = scanner(), m, chars, i;
    while ((m = re.exec(text))) {
      if (m[1]) {
        anyHan = true;
        chars = Array.from(m[1]);
        if (chars.length > 1) {
          for (i = 0; i < chars.length - 1; i++) { tokens.push(chars[i] + chars[i + 1]); }
        } else if (m.index > 0) {
          tokens.push(START + m[1]);
        } else if (m.index + m[0].length < text.length) {
          tokens.push(m[1] + END);
        }
      } else if (stop.has(m[2])) {
        stops += 1;
      } else {
        tokens.push(stem(m[2]));
      }
    }
    var word = Array.from(text).length > 1 && HAN_ONLY.test(text) ? text : null;
    var problem = tokens.length ? null : anyHan ? "short" : stops ? "common" : "symbols";
    return { text: text, tokens: tokens, word: word, problem: problem };
  }

  function analyseQuery(query, t2s, stop) {
    return normalize(query, t2s).split(SPACE).filter(Boolean).map(function (part) {
      return analyseChunk(part, stop);
    });
  }

  function fnv1a(text) {
    var h = 0x811c9dc5;
    new TextEncoder().encode(text).forEach(function (byte) { h = Math.imul(h ^ byte, 0x01000193) >>> 0; });
    return h >>> 0;
  }

  // ---- the static index ---------------------------------------------------------------------
  function Index(base) {
    this.base = base;
    this.files = new Map();   // URL → Promise of its parsed content
    this.checked = new Map(); // phrase + document id → does the document's text hold it (see holds)
    this.t2s = {};
  }

  Index.prototype.get = function (path, kind) {
    var url = this.base + path, files = this.files;
    if (!files.has(url)) {
      var controller = new AbortController();
      var timer = setTimeout(function () { controller.abort(); }, 20000);
      var promise = fetch(url, { signal: controller.signal }).then(function (response) {
        if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
        return kind === "json" ? response.json() : response.arrayBuffer();
      }).finally(function () { clearTimeout(timer); });
      promise.catch(function () { files.delete(url); });  // a failed file is fetched again next time
      files.set(url, promise);
    }
    return files.get(url);
  };

  Index.prototype.meta = function () {
    var self = this;
    return this.get("meta.json", "json").then(function (meta) {
      if (!self.stop) {
        self.stop = new Set(meta.stop);
        self.starts = meta.groups.map(function (g) { return g[0]; });
      }
      return meta;
    });
  };

  // Load the Traditional → Simplified entries the query's characters could need.
  Index.prototype.loadT2s = function (meta, text) {
    var self = this, buckets = new Set();
    for (var ch of text.normalize("NFKC")) {
      if (HAN_CHAR.test(ch)) { buckets.add(ch.codePointAt(0) % meta.t2s); }
    }
    return Promise.all(Array.from(buckets).map(function (b) { return self.get("t/" + b + ".json", "json"); }))
      .then(function (tables) { tables.forEach(function (t) { Object.assign(self.t2s, t); }); });
  };

  function Reader(buffer) { this.view = new DataView(buffer); this.bytes = new Uint8Array(buffer); this.at = 0; }
  Reader.prototype.varint = function () {
    var value = 0, shift = 0, byte;
    do { byte = this.bytes[this.at++]; value += (byte & 0x7f) * Math.pow(2, shift); shift += 7; } while (byte & 0x80);
    return value;
  };

  var decoder = new TextDecoder();

  // One term's postings record (see gongkai.search.inverted.encode), or a large term's stub (df 0).
  function parseRecord(r, order) {
    var len = r.varint(), term = decoder.decode(r.bytes.subarray(r.at, r.at + len)), df, top, kind, ids, i, j, k;
    r.at += len;
    df = r.varint();
    if (df === 0) { return { term: term, file: r.varint(), order: order }; }
    top = r.view.getFloat32(r.at, true);
    r.at += 4;
    kind = r.varint();
    len = r.varint();
    ids = new Uint32Array(df);
    if (kind === 1) {
      for (i = 0, k = 0; i < len && k < df; i++) {
        for (j = 0; j < 8; j++) { if (r.bytes[r.at + i] & (1 << j)) { ids[k++] = i * 8 + j; } }
      }
      r.at += len;
    } else {
      for (i = 0, k = 0; i < df; i++) { k += r.varint(); ids[i] = k; }
    }
    var weights = new Float32Array(df);
    for (i = 0; i < df; i++) { weights[i] = r.bytes[r.at + i] / 255 * top; }
    r.at += df;
    return { term: term, ids: ids, weights: weights, order: order };
  }

  function parseShard(buffer) {
    var r = new Reader(buffer), count = r.varint(), terms = new Map();
    for (var n = 0; n < count; n++) {
      var record = parseRecord(r, n);
      terms.set(record.term, record);
    }
    return terms;
  }

  Index.prototype.shardOf = function (meta, term) { return fnv1a(term) & (meta.shards - 1); };

  // A term's postings { ids, weights, order, file? }, or null: from its shard, or its own file if large.
  Index.prototype.term = function (meta, term) {
    var self = this;
    return this.get("s/" + this.shardOf(meta, term) + ".bin", "bin").then(function (buffer) {
      if (!buffer.parsed) { buffer.parsed = parseShard(buffer); }
      var found = buffer.parsed.get(term) || null;
      if (!found || found.ids) { return found; }
      return self.get("s/f" + found.file + ".bin", "bin").then(function (own) {
        if (!own.parsed) { own.parsed = parseRecord(new Reader(own), found.order); }
        own.parsed.file = found.file;
        return own.parsed;
      });
    });
  };

  function readSlots(reader, postings) {
    var slots = new Map();
    for (var i = 0; i < postings.ids.length; i++) {
      var c = reader.varint(), list = new Int32Array(c), p = 0;
      for (var j = 0; j < c; j++) { p += reader.varint(); list[j] = p; }
      slots.set(postings.ids[i], list);
    }
    return slots;
  }

  // Slots of *term* in each of its documents: Map doc id → Int32Array (a large term's from its own file).
  Index.prototype.positions = function (meta, term, postings) {
    if (postings.slots) { return Promise.resolve(postings.slots); }
    if (postings.file !== undefined) {
      return this.get("p/f" + postings.file + ".bin", "bin").then(function (buffer) {
        var reader = new Reader(buffer);
        reader.varint();
        postings.slots = readSlots(reader, postings);
        return postings.slots;
      });
    }
    return this.get("p/" + this.shardOf(meta, term) + ".bin", "bin").then(function (buffer) {
      if (!buffer.blobs) {
        var r = new Reader(buffer), count = r.varint(), blobs = [];
        for (var n = 0; n < count; n++) { var len = r.varint(); blobs.push(r.at); r.at += len; }
        buffer.blobs = blobs;
      }
      var reader = new Reader(buffer);
      reader.at = buffer.blobs[postings.order];
      postings.slots = readSlots(reader, postings);
      return postings.slots;
    });
  };

  function contains(list, value) {
    var lo = 0, hi = list.length - 1, mid;
    while (lo <= hi) {
      mid = (lo + hi) >> 1;
      if (list[mid] === value) { return true; }
      if (list[mid] < value) { lo = mid + 1; } else { hi = mid - 1; }
    }
    return false;
  }

  // Does the document hold the chunk's tokens at consecutive slots (the exact string)?
  function isPhrase(slotLists) {
    var first = slotLists[0];
    if (!first) { return false; }
    for (var i = 0; i < first.length; i++) {
      var ok = true;
      for (var k = 1; k < slotLists.length && ok; k++) { ok = !!slotLists[k] && contains(slotLists[k], first[i] + k); }
      if (ok) { return true; }
    }
    return false;
  }

  function groupOf(index, meta, id) {
    var lo = 0, hi = index.starts.length - 1, mid;
    while (lo < hi) {
      mid = (lo + hi + 1) >> 1;
      if (index.starts[mid] <= id) { lo = mid; } else { hi = mid - 1; }
    }
    return meta.groups[lo];
  }

  // Run a search: { q, type, year, region, page, perPage } → { chunks, total, results: [{id, exact, score}],
  // counts, ... }; the results up to the end of that page are in their final order (exact null: not checked).
  function search(index, params) {
    var query = params.q || "", truncated = false;
    if (Array.from(query).length > MAX_QUERY) { query = Array.from(query).slice(0, MAX_QUERY).join(""); truncated = true; }
    return index.meta().then(function (meta) {
      return index.loadT2s(meta, query).then(function () {
        var chunks = analyseQuery(query, index.t2s, index.stop);
        var usable = chunks.filter(function (c) { return c.tokens.length; });
        var out = { chunks: chunks, truncated: truncated, query: query, results: [], total: 0,
                    counts: { type: {}, year: {}, region: {} } };
        if (!usable.length) { return out; }
        var terms = new Set();
        usable.forEach(function (c) {
          c.tokens.forEach(function (t) { terms.add(t); });
          if (c.word) { terms.add(WORD + c.word); }
        });
        var names = Array.from(terms);
        return Promise.all(names.map(function (t) { return index.term(meta, t); })).then(function (found) {
          var postings = new Map();
          names.forEach(function (t, i) { postings.set(t, found[i]); });
          return rank(index, meta, params, usable, postings, out);
        });
      });
    });
  }

  function rank(index, meta, params, chunks, postings, out) {
    var n = meta.docs, score = new Float32Array(n), hits = new Uint16Array(n), required = 0, missing = false;
    chunks.forEach(function (c) {
      c.tokens.forEach(function (t, i) {
        if (c.tokens.indexOf(t) !== i) { return; }  // a token twice in one chunk counts once
        var p = postings.get(t);
        required += 1;
        if (!p) { missing = true; return; }
        for (var k = 0; k < p.ids.length; k++) { hits[p.ids[k]] += 1; score[p.ids[k]] += p.weights[k]; }
      });
    });
    if (missing) { return out; }
    var candidates = [];
    for (var id = 0; id < n; id++) { if (hits[id] === required) { candidates.push(id); } }
    var chosen = [];
    candidates.forEach(function (id) {
      var g = groupOf(index, meta, id);
      var okType = !params.type || g[1] === params.type, okYear = !params.year || String(g[2]) === params.year;
      var okRegion = !params.region || g[3] === params.region;
      if (okYear && okRegion) { out.counts.type[g[1]] = (out.counts.type[g[1]] || 0) + 1; }
      if (okType && okRegion && g[2]) { out.counts.year[g[2]] = (out.counts.year[g[2]] || 0) + 1; }
      if (okType && okYear && g[3]) { out.counts.region[g[3]] = (out.counts.region[g[3]] || 0) + 1; }
      if (okType && okYear && okRegion) { chosen.push(id); }
    });
    // A chunk's dictionary word proves the exact string in its documents; other phrases are checked.
    var phrases = chunks.filter(function (c) { return c.tokens.length > 1; });
    var proofs = phrases.map(function (c) {
      var word = c.word ? postings.get(WORD + c.word) : null, proven = new Set();
      if (word) {
        for (var k = 0; k < word.ids.length; k++) { proven.add(word.ids[k]); score[word.ids[k]] += word.weights[k]; }
      }
      return proven;
    });
    chosen.sort(function (a, b) { return (score[b] - score[a]) || (a - b); });
    var state = new Map();  // id → 1 exact, 0 not, or the phrases still to check
    chosen.forEach(function (id) {
      var open = phrases.filter(function (c, i) { return !proofs[i].has(id); });
      state.set(id, open.length ? open : 1);
    });
    var wanted = (params.page || 1) * (params.perPage || 10);
    return settle(index, meta, postings, chosen, state, wanted).then(function () {
      var exact = function (id) { return state.get(id) === 1 ? 1 : 0; };
      chosen.sort(function (a, b) { return (exact(b) - exact(a)) || (score[b] - score[a]) || (a - b); });
      out.total = chosen.length;
      out.results = chosen.map(function (id) {
        var s = state.get(id);
        return { id: id, exact: s === 1 ? true : s === 0 ? false : null, score: score[id] };
      });
      return out;
    });
  }

  // ---- checking phrases ------------------------------------------------------------------------
  // Settle documents in score order until *wanted* of them are known to hold every phrase (so the
  // first *wanted* results are final), reading each one's text (x files).  The terms' slots (p files)
  // settle every open document at once instead when that looks cheaper: past VERIFY_LIMIT texts, when
  // most texts read so far did not hold the phrases, when a text was cut before the phrase, or where
  // the browser cannot decompress the texts.
  var VERIFY_LIMIT = 40;
  var CAN_INFLATE = typeof DecompressionStream === "function" && typeof Response === "function";

  function settle(index, meta, postings, chosen, state, wanted) {
    var at = 0, exact = 0, read = 0, held = 0, unsure = false;
    function step() {
      var batch = [];
      while (at < chosen.length && exact + batch.length < wanted) {
        var id = chosen[at++];
        if (state.get(id) === 1) { exact += 1; } else { batch.push(id); }
      }
      if (!batch.length && !unsure) { return Promise.resolve(); }
      if (!batch.length || !CAN_INFLATE || read + batch.length > VERIFY_LIMIT || (read && held * 2 < read)) {
        return bySlots(index, meta, postings, chosen, state);
      }
      read += batch.length;
      return Promise.all(batch.map(function (id) {
        return index.holds(id, state.get(id)).then(function (holds) {
          if (holds === null) { unsure = true; return; }
          state.set(id, holds ? 1 : 0);
          if (holds) { exact += 1; held += 1; }
        });
      })).then(step);
    }
    return step();
  }

  // Does document *id* hold every phrase of *chunks*?  true, false, or null when its text was cut
  // before the end and the phrases were not in the part kept.  Answers are kept for later queries.
  Index.prototype.holds = function (id, chunks) {
    var self = this, known = chunks.map(function (c) { return self.checked.get(c.text + "\u0000" + id); });
    if (known.every(function (k) { return k !== undefined; })) {
      return Promise.resolve(all(known));
    }
    return this.get("x/" + id + ".bin", "bin").then(function (buffer) {
      if (!buffer.texts) {
        buffer.texts = inflate(buffer).then(function (raw) { return JSON.parse(decoder.decode(raw)); });
      }
      return buffer.texts;
    }).then(function (texts) {
      var answers = chunks.map(function (c) {
        var found = inTexts(texts.f, c.tokens, self.stop) || (texts.c ? null : false);
        self.checked.set(c.text + "\u0000" + id, found);
        return found;
      });
      return all(answers);
    });
  };

  function all(answers) {
    return answers.indexOf(false) !== -1 ? false : answers.indexOf(null) !== -1 ? null : true;
  }

  function bySlots(index, meta, postings, chosen, state) {
    var open = chosen.filter(function (id) { return state.get(id) !== 1 && state.get(id) !== 0; });
    var phrases = [];
    open.forEach(function (id) {
      state.get(id).forEach(function (c) { if (phrases.indexOf(c) === -1) { phrases.push(c); } });
    });
    return Promise.all(phrases.map(function (c) {
      return Promise.all(c.tokens.map(function (t) { return index.positions(meta, t, postings.get(t)); }));
    })).then(function (slotMaps) {
      open.forEach(function (id) {
        var holds = state.get(id).every(function (c) {
          return isPhrase(slotMaps[phrases.indexOf(c)].map(function (m) { return m.get(id); }));
        });
        state.set(id, holds ? 1 : 0);
      });
    });
  }

  function inflate(buffer) {
    var bytes = new Uint8Array(buffer);
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) { return Promise.resolve(buffer); }  // the server decoded it
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
  }

  // Does one of the fields hold *tokens* at consecutive slots?  Slots as the build numbers them
  // (analysis._cut): a Han run of n characters takes max(n - 1, 1), a Latin word one, a stop word none.
  function inTexts(texts, tokens, stop) {
    var wanted = new Set(tokens), latin = tokens.some(function (t) { return !HAN_CHAR.test(t); });
    return texts.some(function (text) {
      var slots = new Map(), re = scanner(), m, slot = 0;
      function add(token, at) {
        if (!wanted.has(token)) { return; }
        if (!slots.has(token)) { slots.set(token, []); }
        slots.get(token).push(at);
      }
      while ((m = re.exec(text))) {
        if (m[1]) {
          var chars = Array.from(m[1]), size = Math.max(chars.length - 1, 1);
          for (var i = 0; i + 1 < chars.length; i++) { add(chars[i] + chars[i + 1], slot + i); }
          add(START + chars[0], slot);
          add(chars[chars.length - 1] + END, slot + size - 1);
          slot += size;
        } else if (!stop.has(m[2])) {
          if (latin) { add(stem(m[2]), slot); }
          slot += 1;
        }
      }
      return isPhrase(tokens.map(function (t) { return slots.get(t); }));
    });
  }

  // ---- excerpts and highlighting ----------------------------------------------------------
  // Normalise text keeping, for each normalised code unit, the index of the original character.
  function normalizeMapped(text, t2s) {
    var out = "", map = [], i = 0;
    for (var ch of text) {
      var n = normalize(ch, t2s);
      for (var k = 0; k < n.length; k++) { map.push(i); }
      out += n;
      i += ch.length;
    }
    map.push(i);
    return { text: out, map: map };
  }

  // Character ranges of *text* to mark: each chunk's exact string, else its tokens one by one.
  function matchRanges(text, chunks, t2s, stop) {
    var norm = normalizeMapped(text, t2s), ranges = [];
    chunks.forEach(function (c) {
      var found = false, at = norm.text.indexOf(c.text);
      while (c.text && at !== -1) {
        ranges.push([norm.map[at], norm.map[at + c.text.length]]);
        found = true;
        at = norm.text.indexOf(c.text, at + c.text.length);
      }
      if (found || !c.tokens.length) { return; }
      var wanted = new Set(c.tokens), re = scanner(), m;
      while ((m = re.exec(norm.text))) {
        var start = m.index, end = m.index + m[0].length;
        if (m[2]) {
          if (wanted.has(stem(m[2])) && !stop.has(m[2])) { ranges.push([norm.map[start], norm.map[end]]); }
          continue;
        }
        var chars = Array.from(m[1]), offset = start;
        for (var i = 0; i < chars.length; i++) {
          var next = offset + chars[i].length;
          var pair = i + 1 < chars.length ? chars[i] + chars[i + 1] : null;
          if (pair && wanted.has(pair)) { ranges.push([norm.map[offset], norm.map[next + chars[i + 1].length]]); }
          if ((i === 0 && wanted.has(START + chars[i])) || (i === chars.length - 1 && wanted.has(chars[i] + END))) {
            ranges.push([norm.map[offset], norm.map[next]]);
          }
          offset = next;
        }
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) { last[1] = Math.max(last[1], r[1]); } else { merged.push(r.slice()); }
    });
    return merged;
  }

  // Fill *element* with text[from:to], wrapping the ranges in <mark> (text nodes only, never HTML).
  function highlight(element, text, ranges, from, to) {
    var at = from;
    ranges.forEach(function (r) {
      var start = Math.max(r[0], from), end = Math.min(r[1], to);
      if (end <= start || start < at) { return; }
      element.appendChild(document.createTextNode(text.slice(at, start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(start, end);
      element.appendChild(mark);
      at = end;
    });
    element.appendChild(document.createTextNode(text.slice(at, to)));
  }

  var EXCERPT = 160, LEAD = 40;

  function excerptWindow(text, ranges) {
    var first = ranges.length ? ranges[0][0] : 0;
    var from = Math.max(0, Math.min(first - LEAD, text.length - EXCERPT));
    return [from, Math.min(text.length, from + EXCERPT)];
  }

  // ---- the page ----------------------------------------------------------------------------
  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }

  function Page(root, config) {
    this.config = config;
    this.msg = config.messages;
    this.index = new Index(config.index);
    this.form = root.querySelector("[data-search-form]");
    this.input = this.form.querySelector("input[name=q]");
    this.filters = this.form.querySelector("[data-search-filters]");
    this.selects = Array.prototype.slice.call(this.form.querySelectorAll("select"));
    this.status = root.querySelector("[data-search-status]");
    this.list = root.querySelector("[data-search-results]");
    this.pager = root.querySelector("[data-search-pager]");
    this.sequence = 0;
    this.selects.forEach(function (select) {
      Array.prototype.forEach.call(select.options, function (o) { o.setAttribute("data-label", o.textContent); });
    });
  }

  Page.prototype.state = function () {
    var params = new URLSearchParams(window.location.search);
    var page = parseInt(params.get("page"), 10);
    return { q: (params.get("q") || "").trim(), type: params.get("type") || "", year: params.get("year") || "",
             region: params.get("region") || "", page: page > 0 ? page : 1 };
  };

  Page.prototype.url = function (state) {
    var params = new URLSearchParams();
    ["q", "type", "year", "region"].forEach(function (k) { if (state[k]) { params.set(k, state[k]); } });
    if (state.page > 1) { params.set("page", state.page); }
    return window.location.pathname + "?" + params.toString();
  };

  Page.prototype.go = function (state) {
    window.history.pushState(null, "", this.url(state));
    return this.run();
  };

  Page.prototype.formState = function () {
    var state = { q: this.input.value.trim(), page: 1 };
    this.selects.forEach(function (s) { state[s.name] = s.value; });
    return state;
  };

  Page.prototype.say = function (lines, focus) {
    this.status.textContent = "";
    var self = this;
    lines.forEach(function (line) {
      if (typeof line === "string") {
        var p = document.createElement("p");
        p.textContent = line;
        self.status.appendChild(p);
      } else {
        self.status.appendChild(line);
      }
    });
    if (focus) { this.status.focus(); }
  };

  Page.prototype.clear = function () {
    this.list.textContent = "";
    this.pager.textContent = "";
    this.pager.hidden = true;
  };

  Page.prototype.run = function (focus) {
    var self = this, state = this.state(), seq = ++this.sequence;
    this.input.value = state.q;
    this.selects.forEach(function (s) {
      s.value = state[s.name] || "";
      if (s.selectedIndex < 0) { s.value = ""; }  // a value this index does not have
    });
    this.clear();
    if (!state.q) {
      this.filters.hidden = true;
      this.say([this.msg.empty]);
      this.status.setAttribute("aria-busy", "false");
      return Promise.resolve();
    }
    this.say([this.msg.searching]);
    this.status.setAttribute("aria-busy", "true");
    return search(this.index, Object.assign({ perPage: this.config.perPage }, state)).then(function (found) {
      if (seq !== self.sequence) { return null; }
      return self.show(state, found, focus);
    }).catch(function (error) {
      if (seq !== self.sequence) { return; }
      self.failed(error);
    }).then(function () {
      if (seq === self.sequence) { self.status.setAttribute("aria-busy", "false"); }
    });
  };

  Page.prototype.failed = function (error) {
    var self = this, button = document.createElement("button");
    button.type = "button";
    button.textContent = this.msg.retry;
    button.addEventListener("click", function () { self.run(true); });
    this.clear();
    this.status.setAttribute("data-error", String(error && error.message || error));
    this.say([this.msg.failed, button]);
  };

  Page.prototype.problems = function (found) {
    var lines = [];
    if (found.truncated) { lines.push(format(this.msg.truncated, { n: MAX_QUERY })); }
    var self = this;
    found.chunks.forEach(function (c) {
      if (c.problem && lines.indexOf(self.msg[c.problem]) === -1) { lines.push(self.msg[c.problem]); }
    });
    return lines;
  };

  Page.prototype.show = function (state, found, focus) {
    var self = this, msg = this.msg;
    this.status.removeAttribute("data-error");
    this.updateCounts(found.counts);
    var notes = this.problems(found);
    if (!found.total) {
      this.filters.hidden = !(state.type || state.year || state.region);
      var usable = found.chunks.some(function (c) { return c.tokens.length; });
      this.say(usable ? [format(msg.none, { q: found.query })].concat(notes, [this.suggestions(state, found)]) : notes,
               focus);
      return null;
    }
    this.filters.hidden = false;
    var pages = Math.ceil(found.total / this.config.perPage), page = Math.min(state.page, pages);
    var first = (page - 1) * this.config.perPage, shown = found.results.slice(first, first + this.config.perPage);
    var lines = [format(found.total === 1 ? msg.resultsOne : msg.resultsOther, { n: found.total, q: found.query })];
    if (pages > 1) { lines.push(format(msg.showing, { first: first + 1, last: first + shown.length })); }
    if (found.chunks.some(function (c) { return c.tokens.length > 1; })) { lines.push(msg.exactFirst); }
    this.say(notes.concat(lines), focus);
    return Promise.all(shown.map(function (r) { return self.index.get("d/" + r.id + ".json", "json"); }))
      .then(function (cards) {
        cards.forEach(function (card) { self.list.appendChild(self.item(card, found.chunks)); });
        self.list.setAttribute("start", first + 1);
        self.pagerLinks(state, page, pages);
      });
  };

  Page.prototype.item = function (card, chunks) {
    var li = document.createElement("li"), h = document.createElement("h2"), a = document.createElement("a");
    var t2s = this.index.t2s, stop = this.index.stop;
    li.className = "search-result";
    a.href = this.config.siteurl + "/" + card.u;
    highlight(a, card.t, matchRanges(card.t, chunks, t2s, stop), 0, card.t.length);
    h.appendChild(a);
    li.appendChild(h);
    var meta = document.createElement("p"), type = document.createElement("span");
    meta.className = "doc-meta";
    type.className = "search-type";
    type.textContent = this.config.typeLabels[card.k] || card.k;
    meta.appendChild(type);
    if (card.d) {
      var time = document.createElement("time");
      time.dateTime = card.d;
      time.textContent = card.dd;
      meta.appendChild(time);
    }
    if (card.m) {
      var extra = document.createElement("span");
      extra.textContent = card.m;
      meta.appendChild(extra);
    }
    li.appendChild(meta);
    if (card.x) {
      var ranges = matchRanges(card.x, chunks, t2s, stop), span = excerptWindow(card.x, ranges);
      var p = document.createElement("p");
      p.className = "search-excerpt";
      if (span[0] > 0) { p.appendChild(document.createTextNode("…")); }
      highlight(p, card.x, ranges, span[0], span[1]);
      if (span[1] < card.x.length) { p.appendChild(document.createTextNode("…")); }
      li.appendChild(p);
    }
    return li;
  };

  Page.prototype.link = function (text, state) {
    var self = this, a = document.createElement("a");
    a.href = this.url(state);
    a.textContent = text;
    a.addEventListener("click", function (event) {
      event.preventDefault();
      window.history.pushState(null, "", a.getAttribute("href"));
      self.run(true);
    });
    return a;
  };

  Page.prototype.suggestions = function (state, found) {
    var self = this, box = document.createElement("div"), ul = document.createElement("ul"), p = document.createElement("p");
    p.textContent = this.msg.suggestions;
    box.appendChild(p);
    function add(node) { var li = document.createElement("li"); li.appendChild(node); ul.appendChild(li); }
    add(document.createTextNode(this.msg.spelling));
    var usable = found.chunks.filter(function (c) { return c.tokens.length; });
    if (state.type || state.year || state.region) {
      add(this.link(this.msg.removeFilters, { q: state.q, page: 1 }));
    }
    if (usable.length > 1) {
      var li = document.createElement("li");
      li.appendChild(document.createTextNode(this.msg.fewer + " " + this.msg.eachWord + " "));
      usable.forEach(function (c, i) {
        if (i) { li.appendChild(document.createTextNode(" · ")); }
        li.appendChild(self.link(c.text, { q: c.text, type: state.type, year: state.year, region: state.region, page: 1 }));
      });
      ul.appendChild(li);
    }
    box.appendChild(ul);
    return box;
  };

  Page.prototype.updateCounts = function (counts) {
    var self = this;
    this.selects.forEach(function (select) {
      var own = counts[select.name] || {};
      Array.prototype.forEach.call(select.options, function (o) {
        var label = o.getAttribute("data-label");
        o.textContent = o.value ? format(self.msg.count, { label: label, n: own[o.value] || 0 }) : label;
      });
    });
  };

  Page.prototype.pagerLinks = function (state, page, pages) {
    if (pages < 2) { return; }
    var self = this;
    function to(n) { return { q: state.q, type: state.type, year: state.year, region: state.region, page: n }; }
    if (page > 1) { var prev = this.link(this.msg.previous, to(page - 1)); prev.rel = "prev"; this.pager.appendChild(prev); }
    var where = document.createElement("span");
    where.textContent = format(this.msg.page, { n: page, count: pages });
    this.pager.appendChild(where);
    if (page < pages) { var next = self.link(this.msg.next, to(page + 1)); next.rel = "next"; this.pager.appendChild(next); }
    this.pager.hidden = false;
  };

  Page.prototype.start = function () {
    var self = this;
    document.querySelectorAll("[data-search-nojs]").forEach(function (el) { el.hidden = true; });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.go(self.formState());
    });
    this.selects.forEach(function (select) {
      select.addEventListener("change", function () { self.go(self.formState()); });
    });
    window.addEventListener("popstate", function () { self.run(); });
    return this.run();
  };

  window.GongkaiSearch = {
    stem: stem, normalize: normalize, analyseQuery: analyseQuery, fnv1a: fnv1a, Index: Index, search: search
  };

  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("search-config");
    if (!node) { return; }
    var config = JSON.parse(node.textContent);
    var page = new Page(document, config);
    window.GongkaiSearch.page = page;
    page.start();
  });
}());
