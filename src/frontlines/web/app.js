// frontlines web app: the control map for a chosen day, with the evidence behind each unit.
//
// Everything that comes from a report (sentences, titles, outlets, sources, URLs) is
// untrusted. It is put on the page with textContent or as attribute values only, never
// through innerHTML, and a link is made only for http(s) URLs. The page's
// Content-Security-Policy also forbids inline scripts, as a second line of defence.
"use strict";

(function () {
  const state = {
    meta: null,
    days: [],          // ISO dates from the profile's start to the latest event
    index: 0,          // position of the slider
    level: null,
    unitsLayer: null,
    bordersLayer: null,
    frontLayer: null,
    frontlines: new Map(), // date|level -> front line (GeoJSON)
    layersById: new Map(),
    control: new Map(), // date|level -> control rows
    rows: new Map(),    // unit id -> row for the current date
    selected: null,
    playing: null,
    series: null,
    requestSeq: 0,
    token: null,       // the analyst's bearer token (this tab only: sessionStorage)
    reviewer: null,    // whoami of the token, once checked
  };

  const $ = (id) => document.getElementById(id);
  const SVG_NS = "http://www.w3.org/2000/svg";

  // --- small DOM helpers: text only -------------------------------------------------------

  function el(tag, options, children) {
    const node = document.createElement(tag);
    const opts = options || {};
    if (opts.className) node.className = opts.className;
    if (opts.text !== undefined && opts.text !== null) node.textContent = String(opts.text);
    if (opts.title) node.title = String(opts.title);
    if (opts.attrs) {
      for (const [key, value] of Object.entries(opts.attrs)) node.setAttribute(key, String(value));
    }
    for (const child of children || []) if (child) node.appendChild(child);
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function safeUrl(raw) {
    // Only real web links: a "javascript:" or "data:" URL from a report must never be clickable.
    if (typeof raw !== "string") return null;
    try {
      const url = new URL(raw, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (err) {
      return null;
    }
  }

  async function getJSON(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
    return body;
  }

  async function sendJSON(path, body) {
    // A review action: the analyst's token goes with it; the answer is the audit trail entry.
    const response = await fetch(path, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json",
                 Authorization: `Bearer ${state.token}` },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.error || `${response.status} ${response.statusText}`);
    return answer;
  }

  function showMessage(text) {
    const box = $("message");
    box.textContent = text;
    box.hidden = !text;
  }

  // --- dates ---------------------------------------------------------------------------------

  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"];

  function parseDay(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return new Date(Date.UTC(y, m - 1, d));
  }

  function isoDay(date) {
    return date.toISOString().slice(0, 10);
  }

  function longDay(iso) {
    if (!iso) return "";
    const d = parseDay(iso.slice(0, 10));
    return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  }

  function shortDay(iso) {
    if (!iso) return "";
    const d = parseDay(iso.slice(0, 10));
    return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()].slice(0, 3)}`;
  }

  function addDays(iso, n) {
    const d = parseDay(iso);
    d.setUTCDate(d.getUTCDate() + n);
    return isoDay(d);
  }

  function currentDay() {
    return state.days[state.index];
  }

  // --- styles --------------------------------------------------------------------------------

  function styleKey(row) {
    if (!row) return "unknown";
    if (row.state === "contested" || row.state === "unknown") return row.state;
    return !row.status || row.status === "assessed" ? row.state : `${row.state}:${row.status}`;
  }

  // What each status says the state rests on (DESIGN.md, "Timeline").
  const STATUS_TEXT = {
    assessed: "assessed",
    claimed: "claimed — not confirmed by the other side or an independent source",
    inferred: "inferred — no report names this unit; a rule does (see why)",
    baseline: "baseline — no report since the start: the profile's start state or an imported baseline",
  };

  function statusSuffix(status) {
    if (status === "claimed") return " (claimed)";
    if (status === "inferred") return " (inferred)";
    if (status === "baseline") return " (no report)";
    return "";
  }

  function styleOf(key) {
    return state.meta.styles.find((s) => s.key === key) ||
      state.meta.styles.find((s) => s.key === "unknown");
  }

  function stateLabel(stateId) {
    const actor = state.meta.actors.find((a) => a.id === stateId);
    if (actor) return actor.name;
    return stateId.charAt(0).toUpperCase() + stateId.slice(1);
  }

  function buildPatterns() {
    // SVG patterns for the hatched styles (claimed, contested, unknown), shared by the map,
    // the legend and the chart.
    const defs = $("patterns").querySelector("defs");
    clear(defs);
    for (const style of state.meta.styles) {
      if (!style.hatch) continue;
      const pattern = svg("pattern", { id: patternId(style.key), patternUnits: "userSpaceOnUse",
                                       width: 8, height: 8 });
      pattern.appendChild(svg("rect", { width: 8, height: 8, fill: style.color }));
      const stroke = { stroke: style.edge, "stroke-width": 1.4 };
      if (style.hatch.startsWith("/")) {
        pattern.appendChild(svg("path", { d: "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4", ...stroke }));
      } else if (style.hatch.startsWith("\\")) {
        pattern.appendChild(svg("path", { d: "M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4", ...stroke }));
      } else if (style.hatch.startsWith("x")) {
        pattern.appendChild(svg("path", { d: "M0,0 l8,8 M8,0 l-8,8", ...stroke, "stroke-width": 1 }));
      } else {
        pattern.appendChild(svg("circle", { cx: 4, cy: 4, r: 1.2, fill: style.edge }));
      }
      defs.appendChild(pattern);
    }
  }

  function patternId(key) {
    return "hatch-" + key.replace(/[^a-z0-9_-]/gi, "-");
  }

  function fillOf(key) {
    const style = styleOf(key);
    return style.hatch ? `url(#${patternId(style.key)})` : style.color;
  }

  function swatch(key) {
    const box = svg("svg", { width: 22, height: 16, class: "swatch", "aria-hidden": "true" });
    box.appendChild(svg("rect", { x: 0.5, y: 0.5, width: 21, height: 15, rx: 2, fill: fillOf(key),
                                  stroke: styleOf(key).edge }));
    return box;
  }

  // --- the map -------------------------------------------------------------------------------

  const map = L.map("map", { zoomSnap: 0.25, zoomDelta: 0.5, attributionControl: true,
                             preferCanvas: false });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("frontlines · boundaries from the workspace's gazetteer");

  async function loadUnits(level) {
    const [units, borders] = await Promise.all([
      getJSON(`/api/places?level=${level}&format=geojson`),
      level > 1 ? getJSON("/api/places?level=1&format=geojson") : Promise.resolve(null),
    ]);
    if (state.unitsLayer) state.unitsLayer.remove();
    if (state.bordersLayer) state.bordersLayer.remove();
    state.layersById.clear();
    state.unitsLayer = L.geoJSON(units, {
      style: () => ({ color: "#ffffff", weight: 0.6, fillOpacity: 0.92, fillColor: "#d5d8dc" }),
      onEachFeature: (feature, layer) => {
        const id = feature.properties.id;
        state.layersById.set(id, layer);
        layer.bindTooltip(() => tooltipFor(feature.properties), { sticky: true, direction: "top" });
        layer.on("click", () => selectUnit(id));
        layer.on("add", () => tagElement(layer, feature.properties));
      },
    }).addTo(map);
    state.layersById.forEach((layer, id) => tagElement(layer, { id, name: layer.feature.properties.name }));
    if (borders) {
      state.bordersLayer = L.geoJSON(borders, {
        style: () => ({ color: "#1c2833", weight: 1.3, fill: false, opacity: 0.9 }),
        interactive: false,
      }).addTo(map);
    }
    map.fitBounds(state.unitsLayer.getBounds(), { padding: [12, 12] });
  }

  function tagElement(layer, props) {
    const node = layer.getElement && layer.getElement();
    if (!node) return;
    node.setAttribute("data-unit", props.id);
    node.setAttribute("aria-label", props.name);
    // Not hundreds of tab stops before the sidebar: units are reached by search or the
    // change list, and a pointer still clicks them.
    node.setAttribute("tabindex", "-1");
    node.setAttribute("role", "button");
  }

  function tooltipFor(props) {
    const row = state.rows.get(props.id);
    const box = el("div", { className: "tip" }, [
      el("strong", { text: props.name }),
      el("span", { className: "muted", text: ` ${props.id}` }),
    ]);
    if (row) {
      box.appendChild(el("div", { text: `${stateLabel(row.state)}${statusSuffix(row.status)} since ${shortDay(row.since)}` }));
    }
    return box;
  }

  function paint() {
    for (const [id, layer] of state.layersById) {
      const row = state.rows.get(id);
      const key = styleKey(row);
      const selected = id === state.selected;
      layer.setStyle({
        fillColor: fillOf(key),
        color: selected ? "#111111" : "#ffffff",
        weight: selected ? 3 : 0.6,
      });
      if (selected) layer.bringToFront();
    }
  }

  // --- loading a day -------------------------------------------------------------------------

  async function controlFor(day) {
    const key = `${day}|${state.level}`;
    if (!state.control.has(key)) {
      state.control.set(key, getJSON(`/api/control?date=${day}&level=${state.level}`));
    }
    return state.control.get(key);
  }

  async function frontlineFor(day) {
    // The line where units held by different sides meet; a failure only costs the line.
    const key = `${day}|${state.level}`;
    if (!state.frontlines.has(key)) {
      state.frontlines.set(key, getJSON(`/api/frontline?date=${day}&level=${state.level}`)
        .catch(() => ({ type: "FeatureCollection", features: [] })));
    }
    return state.frontlines.get(key);
  }

  function drawFrontline(line) {
    if (state.frontLayer) state.frontLayer.remove();
    state.frontLayer = L.geoJSON(line, {
      interactive: false,
      style: (feature) => feature.properties.kind === "front"
        ? { color: "#111111", weight: 3.5, opacity: 0.95, lineCap: "round", className: "frontline" }
        : { color: "#111111", weight: 2.2, opacity: 0.9, dashArray: "6 5", className: "frontline frontline-contested" },
    }).addTo(map);
    document.body.dataset.frontline = String(line.features.length);
  }

  async function showDay(index) {
    state.index = Math.max(0, Math.min(index, state.days.length - 1));
    const day = currentDay();
    $("date-slider").value = String(state.index);
    $("date-slider").setAttribute("aria-valuetext", longDay(day));
    $("date-label").textContent = longDay(day);
    updateDownloads(day);
    updateHash();
    moveChartCursor();
    const seq = ++state.requestSeq;
    const [control, line] = await Promise.all([controlFor(day), frontlineFor(day)]);
    if (seq !== state.requestSeq) return; // a later day was asked for meanwhile
    state.rows = new Map(control.units.map((row) => [row.place_id, row]));
    paint();
    drawFrontline(line);
    renderLegend(control, line);
    document.body.dataset.day = day;
    if (!state.playing) {
      await Promise.all([renderFeed(day), state.selected ? renderUnit(state.selected) : null]);
    }
    document.body.dataset.loaded = day;
  }

  function frontSwatch(dashed) {
    const box = svg("svg", { width: 22, height: 16, class: "swatch", "aria-hidden": "true" });
    box.appendChild(svg("line", { x1: 1, y1: 8, x2: 21, y2: 8, stroke: "#111111",
                                  "stroke-width": dashed ? 2 : 3.5, "stroke-dasharray": dashed ? "4 3" : "none" }));
    return box;
  }

  function renderLegend(control, line) {
    const counts = new Map();
    for (const row of control.units) {
      const key = styleKey(row);
      counts.set(key, (counts.get(key) || 0) + 1);
    }
    const legend = $("legend");
    clear(legend);
    const total = control.units.length || 1;
    for (const style of state.meta.styles) {
      const n = counts.get(style.key) || 0;
      if (!n && !(style.key === state.meta.actors.find((a) => a.government).id)) continue;
      const share = Math.round((100 * n) / total);
      const fill = el("span", { className: "bar-fill" });
      fill.style.width = `${(100 * n) / total}%`;
      fill.style.background = style.hatch ? style.edge : style.color;
      const bar = el("span", { className: "bar" }, [fill]);
      legend.appendChild(el("li", { attrs: { "data-key": style.key } }, [
        swatch(style.key),
        el("span", { className: "label", text: style.label }),
        el("span", { className: "count", text: `${n}` }),
        el("span", { className: "share muted", text: `${share}%` }),
        bar,
      ]));
    }
    for (const feature of (line && line.features) || []) {
      const p = feature.properties;
      const label = p.kind === "front"
        ? `Front line: ${p.side_a_name} / ${p.side_b_name}`
        : `Edge of contested ${control.unit_word}: ${p.side_a_name}`;
      legend.appendChild(el("li", { className: "legend-line", attrs: { "data-key": `frontline:${p.side_a}:${p.side_b}` } }, [
        frontSwatch(p.kind !== "front"),
        el("span", { className: "label", text: label }),
        el("span", { className: "count", text: `${Math.round(p.length_km)} km` }),
      ]));
    }
    $("legend-date").textContent = longDay(control.date);
    const days = state.meta.contested_days;
    $("reports-note").textContent = `${control.units.length} ${control.unit_word}. Hatched: claimed by ` +
      "one side only or unverified; hatched the other way: inferred (no report names the unit, " +
      "its province or the national collapse does); palest: no report since the start; " +
      `contested: fighting in the last ${days} day${days === 1 ? "" : "s"}.`;
  }

  async function renderFeed(day) {
    const since = addDays(day, -6) < state.meta.start ? state.meta.start : addDays(day, -6);
    $("feed-date").textContent = longDay(day);
    let rows = [];
    try {
      rows = await getJSON(`/api/changes?since=${since}&until=${day}&evidence=1&level=${state.level}`);
    } catch (err) {
      rows = [];
    }
    if (day !== currentDay()) return;
    const feed = $("feed");
    clear(feed);
    $("feed-empty").hidden = rows.length > 0;
    for (const change of rows.slice().reverse()) {
      const evidence = change.evidence[0];
      const item = el("li", { className: "feed-item", attrs: { tabindex: 0, "data-unit": change.place_id } }, [
        el("div", { className: "feed-head" }, [
          el("span", { className: "feed-date muted", text: shortDay(change.date) }),
          el("strong", { text: change.place_name }),
        ]),
        el("div", { className: "feed-change" }, [
          swatch(styleKey({ state: change.from, status: "assessed" })),
          el("span", { text: ` ${stateLabel(change.from)} → ` }),
          swatch(styleKey({ state: change.to, status: change.status })),
          el("span", { text: ` ${stateLabel(change.to)}${statusSuffix(change.status)}` }),
        ]),
        evidence ? el("q", { className: "feed-quote", text: evidence.sentence }) : null,
        evidence ? el("div", { className: "muted small", text: evidence.outlet || evidence.document_id }) : null,
      ]);
      item.addEventListener("click", () => selectUnit(change.place_id, true));
      item.addEventListener("keydown", (e) => { if (e.key === "Enter") selectUnit(change.place_id, true); });
      feed.appendChild(item);
    }
  }

  // --- the side panel for one unit -------------------------------------------------------------

  async function selectUnit(id, zoom, fromHash) {
    state.selected = id;
    paint();
    if (zoom && state.layersById.has(id)) {
      map.fitBounds(state.layersById.get(id).getBounds(), { maxZoom: 8, padding: [40, 40] });
    }
    await renderUnit(id);
    if (!fromHash) updateHash(true);
    // On a narrow screen the panel is below the map: bring it into view.
    if (window.matchMedia("(max-width: 760px)").matches && !$("unit-panel").hidden) {
      $("unit-panel").scrollIntoView({ block: "start" });
    }
  }

  function clearUnitPanel(name, where, note) {
    // Nothing of the previously shown unit may stay on screen for the next one.
    $("unit-name").textContent = name;
    $("unit-where").textContent = where;
    const badge = $("unit-state");
    badge.textContent = note;
    badge.style.background = "#7f8c8d"; // grey, as for "unknown"
    $("unit-status").textContent = "";
    $("unit-since").textContent = "–";
    $("unit-confidence").textContent = "–";
    $("unit-meter").style.width = "0";
    const reason = $("unit-reason");
    reason.textContent = "";
    reason.title = "";
    reason.classList.remove("expanded");
    clear($("unit-evidence"));
    clear($("unit-history"));
    clear($("unit-statements"));
    $("unit-statements-box").hidden = true;
    clear($("unit-rejected"));
    $("unit-rejected-box").hidden = true;
    clear($("unit-trail"));
  }

  async function renderUnit(id) {
    const day = currentDay();
    let story;
    try {
      story = await getJSON(`/api/places/${encodeURIComponent(id)}/timeline?date=${day}`);
    } catch (err) {
      if (id !== state.selected || day !== currentDay()) return;
      $("unit-panel").hidden = false;
      clearUnitPanel(id, "", "Not available");
      $("unit-reason").textContent = `Could not load this unit: ${err.message}`;
      return;
    }
    if (id !== state.selected || day !== currentDay()) return;
    const panel = $("unit-panel");
    panel.hidden = false;
    const province = story.place.admin1 && story.place.admin1 !== story.place.id
      ? `${provinceName(story.place.admin1)} ${(state.meta.level_nouns || ["province"])[0]}` : null;
    clearUnitPanel(story.place.name,
                   [story.place.id, province, story.place.level].filter(Boolean).join(" · "),
                   "No data");
    renderHistory(story.intervals);
    renderReview(story, day);
    const current = story.current;
    if (!current) {
      $("unit-evidence").appendChild(el("li", { className: "muted", text: `No state on ${longDay(day)}.` }));
      return;
    }
    const key = styleKey(current);
    const badge = $("unit-state");
    badge.textContent = stateLabel(current.state);
    // A pale or hatched fill would not carry white text: those badges take the edge colour.
    badge.style.background = key !== current.state ? styleOf(key).edge : styleOf(key).color;
    $("unit-status").textContent = (STATUS_TEXT[current.status] || current.status) +
      (current.rule ? ` (rule: ${current.rule})` : "");
    $("unit-since").textContent = longDay(current.since);
    $("unit-confidence").textContent = current.confidence.toFixed(2);
    $("unit-meter").style.width = `${Math.round(current.confidence * 100)}%`;
    const reason = $("unit-reason");
    reason.textContent = current.reason;
    reason.classList.remove("expanded");
    reason.title = "Click to read the whole explanation";

    const list = $("unit-evidence");
    for (const row of current.baseline || []) list.appendChild(baselineItem(row));
    if (!current.evidence.length && !(current.baseline || []).length) {
      list.appendChild(el("li", { className: "muted", text: "No report: this is the profile's starting state." }));
    }
    for (const item of current.evidence) list.appendChild(evidenceItem(item));
    if (story.place.level === "admin1") await renderStatements(id, day);
  }

  async function renderStatements(id, day) {
    // The province view: what reports say of the province as a whole ("10 of 28 districts").
    let found = [];
    try {
      found = await getJSON(`/api/statements?date=${day}&area=${encodeURIComponent(id)}`);
    } catch (err) {
      found = [];
    }
    if (id !== state.selected || day !== currentDay()) return;
    const list = $("unit-statements");
    clear(list);
    $("unit-statements-box").hidden = false;
    if (!found.length) {
      list.appendChild(el("li", { className: "muted", text: `No report states how much of it any side holds, as of ${longDay(day)}.` }));
    }
    for (const item of found.slice().reverse()) list.appendChild(statementItem(item));
  }

  function statementItem(item) {
    const meta = [item.outlet || item.document, item.date ? `dated ${longDay(item.date)}` : null]
      .filter(Boolean).join(" · ");
    const who = item.source ? `Source: ${item.source}` : "Source not named";
    const links = el("div", { className: "links" });
    const href = safeUrl(item.url);
    if (href) {
      links.appendChild(el("a", { text: "Original report ↗", attrs: { href, target: "_blank", rel: "noopener noreferrer nofollow" } }));
    }
    return el("li", { className: "evidence-item statement-item", attrs: { "data-statement": item.id } }, [
      el("strong", { text: item.text }),
      el("blockquote", { className: "sentence", text: item.sentence }),
      el("div", { className: "small", text: meta }),
      el("div", { className: "small muted", text: `${who} · ${item.certainty}` }),
      links,
    ]);
  }

  function renderHistory(intervals) {
    const history = $("unit-history");
    clear(history);
    for (const interval of intervals) {
      const to = interval.end ? shortDay(interval.end) : "now";
      history.appendChild(el("li", {}, [
        swatch(styleKey(interval)),
        el("span", { text: ` ${shortDay(interval.start)} – ${to}: ${stateLabel(interval.state)} ` +
                           `(${interval.status}, ${interval.confidence.toFixed(2)})` }),
      ]));
    }
  }

  function provinceName(admin1) {
    return (state.provinceNames && state.provinceNames.get(admin1)) || admin1;
  }

  function baselineItem(row) {
    // A row of an imported baseline file: the file and its source are the evidence.
    return el("li", { className: "evidence-item baseline-item", attrs: { "data-baseline": row.ref } }, [
      el("div", { className: "small", text: `Baseline file ${row.file}, row ${row.row}` }),
      el("div", { className: "small muted", text: `${stateLabel(row.state)} as of ${longDay(row.as_of)} · source: ${row.source}` }),
    ]);
  }

  function evidenceItem(item) {
    const meta = [item.outlet || item.document_id, item.published ? longDay(item.published) : null]
      .filter(Boolean).join(" · ");
    const who = item.source ? `Source: ${item.source}` : "Source not named";
    const flags = [item.kind, item.certainty, item.negated ? "negated" : null, item.date ? `dated ${shortDay(item.date)}` : null]
      .filter(Boolean).join(" · ");
    const links = el("div", { className: "links" });
    const href = safeUrl(item.url);
    if (href) {
      links.appendChild(el("a", { text: "Original report ↗", attrs: { href, target: "_blank", rel: "noopener noreferrer nofollow" } }));
    }
    const read = el("button", { className: "link", text: "Read the stored text", attrs: { type: "button" } });
    read.addEventListener("click", () => showReport(item.document_id));
    links.appendChild(read);
    const node = el("li", { className: "evidence-item", attrs: { "data-event": item.event_id } }, [
      el("blockquote", { className: "sentence", text: item.sentence }),
      el("div", { className: "small", text: meta }),
      el("div", { className: "small muted", text: `${who} · ${flags}` }),
      el("div", { className: "small muted", text: item.title ? `“${item.title}”` : untitled(item.outlet, item.published) }),
      links,
    ]);
    if (state.reviewer && state.reviewer.may_review) node.appendChild(rejectForm(item.event_id));
    return node;
  }

  function untitled(outlet, published) {
    // A report without a title is named by its outlet and date, never by its id.
    return [outlet || "Untitled report", published ? longDay(published) : null].filter(Boolean).join(", ");
  }

  // --- review: reject, restore, pin (with an analyst token) ------------------------------------

  function rejectForm(eventId) {
    const form = el("form", { className: "reject-form" });
    const label = el("label", { className: "small", text: "Reason " });
    const reason = el("input", { attrs: { type: "text", required: "required", maxlength: 2000,
                                          "aria-label": "Why this event is wrong" } });
    label.appendChild(reason);
    const button = el("button", { text: "Reject", attrs: { type: "submit" } });
    form.appendChild(label);
    form.appendChild(button);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      decide(`/api/events/${encodeURIComponent(eventId)}/reject`, { reason: reason.value });
    });
    return form;
  }

  async function decide(path, body) {
    try {
      await sendJSON(path, body);
    } catch (err) {
      showMessage(`The decision was not saved: ${err.message}`);
      return;
    }
    showMessage("");
    // The timeline changed: forget the cached days and draw again.
    state.control.clear();
    state.frontlines.clear();
    await showDay(state.index);
    await renderChart();
  }

  function renderReview(story, day) {
    const reviewer = state.reviewer && state.reviewer.may_review;
    $("review-note").textContent = reviewer
      ? `Reviewing as ${state.reviewer.name}: each decision is kept with your name, the time and your reason.`
      : "Read-only: an analyst token (see Review, below) lets you reject, restore and pin.";
    const rejected = $("unit-rejected");
    clear(rejected);
    $("unit-rejected-box").hidden = !story.rejected.length;
    for (const item of story.rejected) {
      const li = el("li", { className: "evidence-item rejected-item", attrs: { "data-event": item.event_id } }, [
        el("blockquote", { className: "sentence", text: item.evidence ? item.evidence.sentence : item.event_id }),
        el("div", { className: "small muted", text: `Rejected (decision #${item.decision_id}): ${item.why}` }),
      ]);
      if (reviewer) {
        const restore = el("button", { text: "Restore", attrs: { type: "button" } });
        restore.addEventListener("click", () => decide(
          `/api/events/${encodeURIComponent(item.event_id)}/restore`, { reason: "restored in the web app" }));
        li.appendChild(restore);
      }
      rejected.appendChild(li);
    }
    const form = $("pin-form");
    form.hidden = !reviewer || story.place.level !== LEVEL_NAMES[unitLevelShown() - 1];
    if (!form.hidden) {
      $("pin-start").value = day;
      $("pin-end").value = "";
      $("pin-note").value = "";
      form.dataset.unit = story.place.id;
    }
    const trail = $("unit-trail");
    for (const entry of story.trail) {
      const moved = Object.keys(entry.after).map((unit) =>
        `${unit}: ${entry.before[unit] || "?"} → ${entry.after[unit]}`).join("; ");
      trail.appendChild(el("li", { className: "small", attrs: { "data-action": entry.action } }, [
        el("strong", { text: `${entry.action} #${entry.decision_id}` }),
        el("span", { text: ` by ${entry.who}, ${entry.at.slice(0, 16).replace("T", " ")}` }),
        entry.why ? el("div", { text: `Why: ${entry.why}` }) : null,
        moved ? el("div", { className: "muted", text: moved }) : null,
      ]));
    }
    $("trail-box").hidden = !story.trail.length;
  }

  const LEVEL_NAMES = ["admin1", "admin2", "admin3"];

  function unitLevelShown() {
    return state.meta.levels[state.meta.levels.length - 1];
  }

  async function useToken(token) {
    state.token = token || null;
    state.reviewer = null;
    if (state.token) {
      try {
        const response = await fetch("/api/whoami", { headers: { Authorization: `Bearer ${state.token}` } });
        const body = await response.json();
        if (!response.ok) throw new Error(body.error || response.statusText);
        state.reviewer = body;
        sessionStorage.setItem("frontlines.token", state.token);
      } catch (err) {
        state.token = null;
        sessionStorage.removeItem("frontlines.token");
        showMessage(`That token does not work: ${err.message}`);
      }
    } else {
      sessionStorage.removeItem("frontlines.token");
    }
    const reviewer = state.reviewer && state.reviewer.may_review;
    $("access-note").textContent = reviewer
      ? `Reviewing as ${state.reviewer.name} (analyst).`
      : state.reviewer
        ? `Token ${state.reviewer.name} is a ${state.reviewer.role}: read-only here (reviewing needs an analyst token).`
        : "Read-only: add an analyst token to reject, restore or pin.";
    document.body.dataset.review = reviewer ? "analyst" : "read-only";
    $("token-forget").hidden = !state.token;
    $("token-input").value = "";
    if (state.selected) await renderUnit(state.selected);
  }

  async function showReport(documentId) {
    const doc = await getJSON(`/api/documents/${encodeURIComponent(documentId)}`);
    $("report-panel").hidden = false;
    $("report-title").textContent = doc.title || untitled(doc.outlet, doc.published);
    $("report-meta").textContent = [doc.outlet, doc.published ? longDay(doc.published) : null, doc.id]
      .filter(Boolean).join(" · ");
    const text = $("report-text");
    clear(text);
    for (const paragraph of doc.text.split(/\n\s*\n/)) text.appendChild(el("p", { text: paragraph }));
    $("report-panel").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  // --- the chart -------------------------------------------------------------------------------

  const CHART = { width: 360, height: 200, left: 46, right: 8, top: 8, bottom: 32 };

  async function renderChart() {
    state.series = await getJSON(`/api/series?level=${state.level}`);
    const data = state.series;
    const box = $("chart");
    clear(box);
    $("chart-title").textContent = `${data.unit_word.charAt(0).toUpperCase() + data.unit_word.slice(1)} per state, day by day`;
    const { width, height, left, right, top, bottom } = CHART;
    const plotW = width - left - right;
    const plotH = height - top - bottom;
    const n = data.days.length;
    const x = (i) => left + (n > 1 ? (i * plotW) / (n - 1) : 0);
    const y = (v) => top + plotH - (v * plotH) / (data.units || 1);
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
                               "aria-label": `${data.unit_word} per state per day, stacked` });
    const base = new Array(n).fill(0);
    for (const serie of data.series) {
      const upper = serie.counts.map((c, i) => base[i] + c);
      let d = `M${x(0)},${y(upper[0])}`;
      for (let i = 1; i < n; i++) d += `L${x(i)},${y(upper[i])}`;
      for (let i = n - 1; i >= 0; i--) d += `L${x(i)},${y(base[i])}`;
      chart.appendChild(svg("path", { d: d + "Z", fill: fillOf(serie.key), stroke: "none" }));
      for (let i = 0; i < n; i++) base[i] = upper[i];
    }
    const step = [10, 20, 50, 100, 200, 500, 1000].find((s) => data.units / s <= 5) || 1000;
    const ticks = [];
    for (let v = 0; v < data.units - step / 2; v += step) ticks.push(v);
    ticks.push(data.units);
    for (const v of ticks) {
      chart.appendChild(svg("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), class: "grid" }));
      const label = svg("text", { x: left - 4, y: y(v) + 3, class: "axis", "text-anchor": "end" });
      label.textContent = String(v);
      chart.appendChild(label);
    }
    data.days.forEach((day, i) => {
      if (day.endsWith("-01")) {
        const label = svg("text", { x: x(i), y: height - 6, class: "axis", "text-anchor": "middle" });
        label.textContent = shortDay(day).split(" ")[1];
        chart.appendChild(label);
        chart.appendChild(svg("line", { x1: x(i), x2: x(i), y1: top + plotH, y2: top + plotH + 4, class: "tick" }));
      }
    });
    // Axis titles: what is counted, and along what.
    const yTitle = svg("text", { class: "axis-title", "text-anchor": "middle",
                                 transform: `translate(11 ${top + plotH / 2}) rotate(-90)` });
    yTitle.textContent = `${data.unit_word} (stacked)`;
    chart.appendChild(yTitle);
    const xTitle = svg("text", { class: "axis-title", "text-anchor": "middle", x: left + plotW / 2, y: height - 1 });
    xTitle.textContent = "date (months)";
    chart.appendChild(xTitle);
    const cursor = svg("line", { id: "chart-cursor", y1: top, y2: top + plotH, class: "cursor" });
    chart.appendChild(cursor);
    const hover = svg("line", { id: "chart-hover", y1: top, y2: top + plotH, class: "hover-line" });
    chart.appendChild(hover);
    const indexAt = (event) => {
      const rect = chart.getBoundingClientRect();
      const px = ((event.clientX - rect.left) / rect.width) * width;
      return Math.max(0, Math.min(n - 1, Math.round(((px - left) / plotW) * (n - 1))));
    };
    chart.addEventListener("mousemove", (event) => showReadout(indexAt(event)));
    chart.addEventListener("mouseleave", () => { $("chart-readout").hidden = true; hover.setAttribute("visibility", "hidden"); });
    chart.addEventListener("click", (event) => {
      const rect = chart.getBoundingClientRect();
      const px = ((event.clientX - rect.left) / rect.width) * width;
      const i = Math.round(((px - left) / plotW) * (n - 1));
      const day = data.days[Math.max(0, Math.min(n - 1, i))];
      const index = state.days.indexOf(day);
      if (index >= 0) showDay(index);
    });
    box.appendChild(chart);
    const readout = el("div", { className: "chart-readout small", attrs: { id: "chart-readout", role: "status" } });
    readout.hidden = true;
    box.appendChild(readout);
    const legend = el("ul", { className: "chart-legend", attrs: { id: "chart-legend" } });
    for (const serie of data.series.slice().reverse()) {
      if (!serie.counts.some((c) => c > 0)) continue;
      legend.appendChild(el("li", { attrs: { "data-key": serie.key } }, [
        swatch(serie.key), el("span", { text: ` ${serie.label}` }),
      ]));
    }
    box.appendChild(legend);
    state.chartX = x;
    moveChartCursor();
  }

  function showReadout(i) {
    // The values under the pointer: each state's count on that day, top of the stack first.
    const data = state.series;
    const readout = $("chart-readout");
    const hover = document.getElementById("chart-hover");
    hover.setAttribute("x1", state.chartX(i));
    hover.setAttribute("x2", state.chartX(i));
    hover.setAttribute("visibility", "visible");
    clear(readout);
    readout.appendChild(el("strong", { text: longDay(data.days[i]) }));
    for (const serie of data.series.slice().reverse()) {
      if (!serie.counts[i]) continue;
      readout.appendChild(el("div", {}, [swatch(serie.key), el("span", { text: ` ${serie.label}: ${serie.counts[i]}` })]));
    }
    readout.hidden = false;
  }

  function moveChartCursor() {
    const cursor = document.getElementById("chart-cursor");
    if (!cursor || !state.series) return;
    const i = state.series.days.indexOf(currentDay());
    if (i < 0) return;
    cursor.setAttribute("x1", state.chartX(i));
    cursor.setAttribute("x2", state.chartX(i));
  }

  // --- play / pause, hash ----------------------------------------------------------------------

  function setPlaying(on) {
    const button = $("play");
    if (on && !state.playing) {
      if (state.index >= state.days.length - 1) state.index = 0;
      state.playing = true;
      button.setAttribute("aria-label", "Pause");
      $("play-icon").setAttribute("d", "M5 3h4v14H5zM11 3h4v14h-4z");
      const step = async () => {
        if (!state.playing) return;
        if (state.index >= state.days.length - 1) { setPlaying(false); return; }
        await showDay(state.index + 1);
        if (state.playing) window.setTimeout(step, 220);
      };
      step();
    } else if (!on && state.playing) {
      state.playing = null;
      button.setAttribute("aria-label", "Play");
      $("play-icon").setAttribute("d", "M5 3l12 7-12 7z");
      showDay(state.index);
    }
  }

  function updateHash(push) {
    const parts = [`date=${currentDay()}`];
    if (state.selected) parts.push(`unit=${encodeURIComponent(state.selected)}`);
    if (state.level !== state.meta.level) parts.push(`level=${state.level}`);
    const hash = `#${parts.join("&")}`;
    state.lastHash = hash;
    if (hash === window.location.hash) return;
    // Choosing a unit or a level is a step back/forward can undo; moving the slider is not.
    if (push) history.pushState(null, "", hash);
    else history.replaceState(null, "", hash);
  }

  function updateDownloads(day) {
    const level = state.level;
    const name = `${state.meta.name}-${day}`;
    const links = {
      "download-png": [`/api/map.png?date=${day}&level=${level}`, `${name}.png`],
      "download-csv": [`/api/control?date=${day}&level=${level}&format=csv`, `${name}.csv`],
      "download-geojson": [`/api/control?date=${day}&level=${level}&format=geojson`, `${name}.geojson`],
    };
    for (const [id, [href, file]] of Object.entries(links)) {
      $(id).setAttribute("href", href);
      $(id).setAttribute("download", file);
    }
  }

  async function applyHash(force) {
    // The URL is followed live: an edit, back or forward moves the map. (An edit fires both
    // popstate and hashchange: the second finds the hash already applied.)
    if (!force && window.location.hash === state.lastHash) return;
    state.lastHash = window.location.hash;
    const hash = readHash();
    const problems = [];
    if (hash.level && !state.meta.levels.includes(Number(hash.level))) {
      problems.push(`no level ${hash.level} (levels: ${state.meta.levels.join(", ")})`);
    }
    const level = state.meta.levels.includes(Number(hash.level)) ? Number(hash.level) : state.meta.level;
    if (level !== state.level) {
      state.level = level;
      $("level").value = String(level);
      await loadUnits(level);
      await renderChart();
    }
    let index = state.index;
    if (hash.date) {
      const found = state.days.indexOf(hash.date);
      if (found >= 0) index = found;
      else problems.push(`no data for date ${JSON.stringify(hash.date)} (from ${state.meta.start} to ${state.meta.latest}, YYYY-MM-DD)`);
    }
    const unit = hash.unit || null;
    if (unit && !state.layersById.has(unit) && !(state.provinceNames && state.provinceNames.has(unit))) {
      problems.push(`unknown unit ${JSON.stringify(unit)}`);
    }
    showMessage(problems.length ? `The link asks for ${problems.join("; ")}: showing ${longDay(state.days[index])} instead.` : "");
    state.selected = unit && !problems.some((p) => p.startsWith("unknown unit")) ? unit : null;
    if (!state.selected) $("unit-panel").hidden = true;
    await showDay(index);
    if (state.selected) await selectUnit(state.selected, false, true);
  }

  function readHash() {
    const found = {};
    for (const part of window.location.hash.replace(/^#/, "").split("&")) {
      const [key, value] = part.split("=");
      if (key && value) found[key] = decodeURIComponent(value);
    }
    return found;
  }

  // --- search -----------------------------------------------------------------------------------

  function setUpSearch() {
    const input = $("search");
    const list = $("search-results");
    let timer = null;
    let hits = [];
    let active = -1;
    let seq = 0;

    const close = () => {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };
    const highlight = (i) => {
      active = i;
      [...list.children].forEach((li, j) => li.setAttribute("aria-selected", String(j === i)));
      if (i >= 0) input.setAttribute("aria-activedescendant", `search-hit-${i}`);
    };
    const choose = (hit) => {
      close();
      input.value = hit.name;
      goToPlace(hit);
    };
    const lookUp = async () => {
      const q = input.value.trim();
      const mine = ++seq;
      if (q.length < 2) { close(); return; }
      let found = [];
      try {
        found = await getJSON(`/api/places?q=${encodeURIComponent(q)}&limit=8`);
      } catch (err) {
        found = [];
      }
      if (mine !== seq) return;
      hits = found;
      clear(list);
      hits.forEach((hit, i) => {
        const where = hit.parents.map((p) => p.name).join(", ");
        const li = el("li", { attrs: { role: "option", id: `search-hit-${i}`, "aria-selected": "false",
                                       "data-place": hit.id } }, [
          el("strong", { text: hit.name }),
          el("span", { className: "muted small", text: ` ${levelWord(hit.level)}${where ? " · " + where : ""}` }),
        ]);
        li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(hit); });
        list.appendChild(li);
      });
      if (!hits.length) list.appendChild(el("li", { className: "muted small", text: "No place of that name" }));
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(hits.length ? 0 : -1);
    };
    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, 150);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && hits.length) { event.preventDefault(); highlight((active + 1) % hits.length); }
      else if (event.key === "ArrowUp" && hits.length) { event.preventDefault(); highlight((active - 1 + hits.length) % hits.length); }
      else if (event.key === "Enter") {
        event.preventDefault();
        if (active >= 0 && hits[active]) choose(hits[active]);
      } else if (event.key === "Escape") close();
    });
    input.addEventListener("blur", () => window.setTimeout(close, 100));
  }

  function levelWord(level) {
    const index = LEVEL_NAMES.indexOf(level);
    if (index >= 0 && state.meta.level_nouns && state.meta.level_nouns[index]) return state.meta.level_nouns[index];
    return level === "populated_place" ? "town" : level;
  }

  async function goToPlace(hit) {
    // A unit of the level shown opens itself; a town, its unit; a coarser unit, its own panel.
    const shown = LEVEL_NAMES[state.level - 1];
    let unit = null;
    if (hit.level === shown) unit = hit.id;
    else if (shown === "admin1") unit = hit.admin1 || hit.id;
    else if (shown === "admin2" && hit.admin2) unit = hit.admin2;
    else {
      const parent = hit.parents.find((p) => p.level === shown);
      unit = parent ? parent.id : hit.id;
    }
    if (state.layersById.has(unit)) {
      await selectUnit(unit, true);
    } else {
      const inside = [...state.layersById.values()].filter((layer) => layer.feature.properties.admin1 === unit);
      if (inside.length) map.fitBounds(L.featureGroup(inside).getBounds(), { padding: [30, 30] });
      await selectUnit(unit, false);
    }
    if (hit.lat != null && hit.lon != null && hit.level === "populated_place") {
      map.setView([hit.lat, hit.lon], Math.max(map.getZoom(), 9));
    }
    $("unit-panel").focus({ preventScroll: window.matchMedia("(max-width: 760px)").matches === false });
  }

  // --- share ---------------------------------------------------------------------------------------

  function setUpTools() {
    $("copy-link").addEventListener("click", async () => {
      const link = window.location.href;
      try {
        await navigator.clipboard.writeText(link);
        $("tool-status").textContent = "Link copied";
      } catch (err) {
        // No clipboard (an insecure origin, a refused permission): show the link to copy by hand.
        $("tool-status").textContent = link;
      }
      document.body.dataset.copied = link;
    });
  }

  function setUpMonthTicks() {
    // A tick at each month's first day: the slider still steps by one day.
    const ticks = el("datalist", { attrs: { id: "month-ticks" } });
    state.days.forEach((day, i) => {
      if (day.endsWith("-01")) ticks.appendChild(el("option", { attrs: { value: i, label: shortDay(day) } }));
    });
    document.body.appendChild(ticks);
    $("date-slider").setAttribute("list", "month-ticks");
  }

  // --- start -----------------------------------------------------------------------------------

  async function start() {
    const meta = await getJSON("/api/meta");
    state.meta = meta;
    document.title = `${meta.title} · frontlines`;
    $("title").textContent = meta.title;
    $("subtitle").textContent = `${meta.documents} reports, ${meta.events} events · ` +
      "click a unit for the evidence behind it";
    for (let day = meta.start; day <= meta.latest; day = addDays(day, 1)) state.days.push(day);
    const slider = $("date-slider");
    slider.max = String(state.days.length - 1);
    $("start-label").textContent = shortDay(meta.start);
    $("end-label").textContent = shortDay(meta.latest);
    const levelSelect = $("level");
    for (const level of meta.levels) {
      const label = (meta.level_words && meta.level_words[level - 1]) || `level ${level}`;
      levelSelect.appendChild(el("option", { text: label, attrs: { value: level } }));
    }
    const hash = readHash();
    state.level = meta.levels.includes(Number(hash.level)) ? Number(hash.level) : meta.level;
    levelSelect.value = String(state.level);
    buildPatterns();
    // Ask for the first day's control and front line now, beside the polygons: the map is
    // drawn as soon as both are in (the answers wait in `state.control` and `state.frontlines`).
    const firstDay = state.days.includes(hash.date) ? hash.date : state.days[state.days.length - 1];
    controlFor(firstDay);
    frontlineFor(firstDay);
    const provinces = getJSON("/api/places?level=1");

    slider.addEventListener("input", () => { setPlaying(false); showDay(Number(slider.value)); });
    $("play").addEventListener("click", () => setPlaying(!state.playing));
    $("close-panel").addEventListener("click", () => {
      state.selected = null; $("unit-panel").hidden = true; paint(); updateHash();
    });
    $("close-report").addEventListener("click", () => { $("report-panel").hidden = true; });
    $("unit-reason").addEventListener("click", () => $("unit-reason").classList.toggle("expanded"));
    levelSelect.addEventListener("change", async () => {
      state.level = Number(levelSelect.value);
      state.selected = null;
      $("unit-panel").hidden = true;
      await loadUnits(state.level);
      await renderChart();
      await showDay(state.index);
      updateHash(true);
    });
    document.addEventListener("keydown", (event) => {
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
      if (event.key === " ") { event.preventDefault(); setPlaying(!state.playing); }
    });

    await loadUnits(state.level);
    state.provinceNames = new Map((await provinces).map((p) => [p.id, p.name]));
    state.index = state.days.length - 1;
    await applyHash(true);
    // The map is drawn (units coloured for the day): what `benchmarks/web_map.py` times.
    performance.mark("frontlines:map-drawn");
    document.body.dataset.mapDrawn = "true";
    await renderChart();
    window.addEventListener("hashchange", () => applyHash());
    window.addEventListener("popstate", () => applyHash());
    setUpSearch();
    setUpTools();
    setUpMonthTicks();
    $("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      useToken($("token-input").value.trim());
    });
    $("token-forget").addEventListener("click", () => useToken(null));
    $("pin-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const unit = $("pin-form").dataset.unit;
      decide(`/api/places/${encodeURIComponent(unit)}/pin`, {
        state: $("pin-state").value, start: $("pin-start").value,
        end: $("pin-end").value || null, note: $("pin-note").value,
      });
    });
    const pinState = $("pin-state");
    for (const actor of meta.actors) pinState.appendChild(el("option", { text: actor.name, attrs: { value: actor.id } }));
    pinState.appendChild(el("option", { text: "Contested", attrs: { value: "contested" } }));
    pinState.appendChild(el("option", { text: "Unknown", attrs: { value: "unknown" } }));
    await useToken(sessionStorage.getItem("frontlines.token"));
    document.body.dataset.ready = "true";
  }

  start().catch((err) => {
    const note = el("div", { className: "fatal", text: `Could not load the data: ${err.message}` });
    document.body.appendChild(note);
  });
})();
