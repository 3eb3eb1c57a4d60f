/* headroom dashboard: one EventSource, a model kept from the "state"
 * event and the "tick" diffs, and plain DOM updates. No framework. */
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const fmt = new Intl.NumberFormat("en");
  const WORD = { ok: "OK", warn: "Busy", crit: "Full", unknown: "Unknown" };
  const BADGE = { ok: "\u2713", warn: "!", crit: "\u2715", unknown: "?" };
  const TOKEN_KEY = "headroom-token";
  let model = null;
  let lastEvent = 0;
  let selectedRoom = null;
  let range = "6h";
  let graphStamp = 0;

  const num = (x) => (x == null ? "\u2013" : fmt.format(Math.round(x)));
  const pct = (x) => (x == null ? "\u2013" : Math.round(x * 100) + "%");
  const mbps = (x) => (x == null ? "\u2013" : (x >= 100 ? fmt.format(Math.round(x)) : x.toFixed(1)) + " Mbit/s");
  const word = (s) => WORD[s] || WORD.unknown;

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const k of kids) if (k != null) e.append(k);
    return e;
  }

  function bar(ratio, label) {
    const w = ratio == null ? 0 : Math.max(0, Math.min(1, ratio)) * 100;
    const span = el("span");
    span.style.width = w + "%";
    return el("div", { class: "bar", role: "img", "aria-label": label }, span);
  }

  /* ---- live connection ---- */

  function setConn(text, cls) {
    $("conn-text").textContent = text;
    $("conn").className = "conn " + (cls || "");
  }

  function touch() {
    lastEvent = Date.now();
    $("stale").hidden = true;
    setConn("live", "live");
  }

  function checkStale() {
    if (!model) return;
    const tick = Math.max(1, (model.venue && model.venue.tick) || 10);
    const age = (Date.now() - lastEvent) / 1000;
    if (age > 3 * tick) {
      $("stale").hidden = false;
      $("stale-text").textContent = "no update for " + Math.round(age) + " s (expected every " + tick + " s); the numbers below may be old.";
      setConn("stale", "stale");
    }
  }

  function merge(d) {
    model.seq = d.seq;
    model.time = d.time;
    model.venue = d.venue;
    for (const k of ["rooms", "aps", "uplinks", "targets"]) Object.assign(model[k], d[k] || {});
    if (d.alerts) model.alerts = d.alerts;
    if (d.incidents) model.incidents = d.incidents;
  }

  function announce(transitions) {
    if (!transitions || !transitions.length) return;
    const t = transitions[transitions.length - 1];
    // Its own line: the answer to an ack or silence stays readable.
    $("alert-news").textContent = "Alert " + (t.rule || t.id || "") + ": " + (t.from || "?") + " \u2192 " + (t.to || "?");
  }

  function connect() {
    const es = new EventSource("/events");
    es.addEventListener("state", (e) => {
      model = JSON.parse(e.data);
      touch();
      render();
      announce(model.transitions);
    });
    es.addEventListener("tick", (e) => {
      if (!model) return;
      const d = JSON.parse(e.data);
      merge(d);
      touch();
      render();
      announce(d.transitions);
    });
    es.addEventListener("error", () => {
      if (model) setConn("reconnecting\u2026", "");
    });
  }

  /* ---- rendering ---- */

  /* The verdict is the daemon's (web/snapshot.c): worst of the rooms,
   * the uplinks and every firing alert, and the place that is worst. */
  function renderVerdict(v) {
    const vd = v.verdict;
    const s = vd.status;
    $("verdict").className = "verdict st-" + s;
    $("verdict").dataset.status = s;
    $("verdict-badge").textContent = BADGE[s] || "?";
    $("verdict-label").textContent = vd.label;
    // The place where it is worst, else the venue's numbers; the second
    // line has the numbers when the first has the place.
    const place = $("verdict-place");
    if (vd.place) {
      const link = vd.worst && vd.worst.kind === "room" && model.rooms[vd.worst.name]
        ? el("a", { href: "#/room/" + encodeURIComponent(vd.worst.name), text: vd.place }) : document.createTextNode(vd.place);
      place.replaceChildren(link);
      $("verdict-detail").textContent = vd.detail;
    } else {
      place.textContent = vd.detail.charAt(0).toUpperCase() + vd.detail.slice(1);
      $("verdict-detail").textContent = "";
    }
    $("verdict").setAttribute("aria-label", vd.text);
    $("verdict").title = vd.text;
    $("event-name").textContent = v.event || "";
    document.title = vd.label + " \u2013 headroom";
    const m = v.monitoring;
    $("beat").hidden = !m;
    if (m) {
      $("beat").className = "beat " + (m.alive ? "alive" : "dead");
      $("beat-text").textContent = m.alive ? "monitoring alive" : "no heartbeat from the alert engine";
    }
  }

  function renderCards(v) {
    $("devices").textContent = v.devices == null ? "no data" : num(v.devices);
    $("devices-sub").textContent = v.aps_known + " of " + v.aps_total + " APs reporting";
    $("projected").textContent = num(v.projected);
    $("projected-sub").textContent = num(v.attendees) + " attendees";
    $("headroom").textContent = num(v.headroom);
    const beyond = v.beyond_projection > 0 ? "; rooms draw " + num(v.beyond_projection) + " beyond their plan" : "";
    $("headroom-sub").textContent = (v.headroom < 0 ? num(-v.headroom) + " devices short of " + num(v.capacity) : "of " + num(v.capacity) + " AP capacity") + beyond;
    const u = v.uplink;
    $("uplink").textContent = pct(u.utilisation);
    $("uplink-sub").textContent = "in " + mbps(u.mbps_in) + ", out " + mbps(u.mbps_out) + " of " + mbps(u.capacity_mbps);
    $("updated").textContent = "Last update " + new Date(model.time * 1000).toLocaleTimeString();
  }

  /* A scheduled session on a tile: its local start (the venue's wall
   * clock, as the programme prints it) and projection against capacity. */
  function sessionText(label, x) {
    const at = x.start_local ? x.start_local.slice(11, 16) + " " : "";
    return label + " " + at + x.title + " \u00b7 " + num(x.projected) + " / " + num(x.capacity) + (x.over_capacity ? " over capacity" : "");
  }

  function sessionLines(r) {
    const lines = [];
    if (r.now) lines.push(el("span", { class: "session" + (r.now.over_capacity ? " over" : ""), text: sessionText("Now", r.now) }));
    if (r.next) lines.push(el("span", { class: "session" + (r.next.over_capacity ? " over" : ""), text: sessionText("Next", r.next) }));
    return lines;
  }

  function roomLabel(r) {
    const clients = r.clients == null ? "no AP reporting" : num(r.clients) + " of " + num(r.capacity) + " clients";
    const sessions = [r.now && sessionText("now", r.now), r.next && sessionText("next", r.next)].filter(Boolean);
    return r.name + ": " + clients + ", " + word(r.status) + (r.load == null ? "" : " " + pct(r.load)) + ", plan " + num(r.projected) + (sessions.length ? "; " + sessions.join("; ") : "");
  }

  function renderRooms() {
    const grid = $("rooms");
    const names = Object.keys(model.rooms);
    const seen = new Set();
    for (const name of names) {
      const r = model.rooms[name];
      let tile = grid.querySelector('[data-room="' + CSS.escape(name) + '"]');
      if (!tile) {
        tile = el("button", { type: "button", class: "room", "data-room": name, "aria-controls": "room-detail", onclick: () => selectRoom(name) });
        grid.append(tile);
      }
      seen.add(tile);
      tile.className = "room st-" + r.status;
      tile.setAttribute("aria-expanded", String(selectedRoom === name));
      tile.setAttribute("aria-label", roomLabel(r));
      const count = r.clients == null ? "\u2013 / " + num(r.capacity) : num(r.clients) + " / " + num(r.capacity);
      const state = r.clients == null ? "Unknown: no AP reporting" : word(r.status) + " " + pct(r.load);
      tile.replaceChildren(
        el("span", { class: "name", text: name }),
        el("span", { class: "num", text: count }),
        bar(r.load, "load " + pct(r.load)),
        el("span", { class: "state", text: state }),
        el("span", { class: "sub", text: "plan " + num(r.projected) + (r.aps_known < r.aps_total ? " \u00b7 " + r.aps_known + "/" + r.aps_total + " APs" : "") }),
        ...sessionLines(r)
      );
    }
    for (const tile of [...grid.children]) if (!seen.has(tile)) tile.remove();
    renderRoomDetail();
    renderUnplanned();
  }

  function selectRoom(name) {
    selectedRoom = selectedRoom === name ? null : name;
    renderRooms();
    if (selectedRoom) $("room-detail").focus();
  }

  function apState(a) {
    if (a.state === "unknown") return "Unknown" + (a.reason ? " (" + a.reason + ")" : "");
    return word(a.status);
  }

  function bands(a) {
    if (a.clients_2g4 == null && a.clients_5g == null && a.clients_6g == null) return "\u2013";
    return [a.clients_2g4, a.clients_5g, a.clients_6g].map(num).join(" / ");
  }

  function renderRoomDetail() {
    const box = $("room-detail");
    const r = selectedRoom && model.rooms[selectedRoom];
    if (!r) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    $("room-detail-h").textContent = r.name;
    $("room-detail-sub").textContent = r.seats + " seats \u00b7 plan " + num(r.projected) + " devices \u00b7 capacity " + num(r.capacity) + " \u00b7 " + r.aps_known + " of " + r.aps_total + " APs reporting";
    const rows = Object.values(model.aps).filter((a) => a.room === r.name).map((a) =>
      el("tr", {},
        el("th", { scope: "row", text: a.name }),
        el("td", { text: num(a.clients) }),
        el("td", { text: num(a.capacity) }),
        el("td", { text: bands(a) }),
        el("td", { class: "st st-" + (a.state === "unknown" ? "unknown" : a.status), text: apState(a) })));
    $("room-aps").replaceChildren(...rows);
  }

  function renderUnplanned() {
    const aps = Object.values(model.aps).filter((a) => !a.planned);
    $("unplanned-wrap").hidden = aps.length === 0;
    $("unplanned").replaceChildren(...aps.map((a) => el("li", { text: a.name + ": " + num(a.clients) + " clients" })));
  }

  function graphUrl(name) {
    const v = model.venue;
    let q = "range=" + range;
    if (range === "event") {
      const now = Math.floor(Date.now() / 1000);
      q = v.event_start ? "from=" + v.event_start + "&to=" + Math.min(now, v.event_end || now) : "range=24h";
    }
    return "/graph/" + encodeURIComponent("uplink:" + name) + ".svg?" + q + "&width=640&height=200&t=" + graphStamp;
  }

  function renderUplinks() {
    const box = $("uplinks");
    const refresh = Date.now() - graphStamp * 1000 > 60000;
    if (refresh) graphStamp = Math.floor(Date.now() / 1000);
    for (const [name, u] of Object.entries(model.uplinks)) {
      let card = box.querySelector('[data-uplink="' + CSS.escape(name) + '"]');
      if (!card) {
        card = el("article", { class: "uplink", "data-uplink": name, "aria-label": "Uplink " + name },
          el("h3", {}), el("div", { class: "rows" }), el("p", { class: "sub proj" }), el("div", { class: "graph" }));
        box.append(card);
      }
      card.querySelector("h3").textContent = name + ": " + (u.utilisation == null ? "no reading yet" : word(u.status) + " " + pct(u.utilisation));
      const cap = u.capacity_mbps;
      card.querySelector(".rows").replaceChildren(
        el("span", { text: "In" }), bar(u.mbps_in != null && cap ? u.mbps_in / cap : null, "in " + mbps(u.mbps_in)), el("span", { text: mbps(u.mbps_in) }),
        el("span", { text: "Out" }), bar(u.mbps_out != null && cap ? u.mbps_out / cap : null, "out " + mbps(u.mbps_out)), el("span", { text: mbps(u.mbps_out) }));
      card.querySelector(".proj").textContent = "capacity " + mbps(cap) + " \u00b7 projected demand " + mbps(u.projected_mbps);
      const g = card.querySelector(".graph");
      const img = g.querySelector("img");
      if (!img || refresh || img.dataset.range !== range) {
        const fresh = el("img", { alt: "Traffic of uplink " + name + ", last " + range, src: graphUrl(name) });
        fresh.dataset.range = range;
        fresh.addEventListener("error", () => g.replaceChildren(el("p", { class: "nograph muted", text: "No graph yet: the store has no history for this uplink." })));
        g.replaceChildren(fresh);
      }
    }
  }

  function renderSources() {
    const items = (model.venue.sources || []).map((s) => {
      const t = model.targets[s.name];
      const err = t && t.state === "down" && t.last_error ? ": " + t.last_error : "";
      return el("li", { class: s.state === "down" ? "down" : "", text: s.name + " (" + s.kind + ") " + s.state + err });
    });
    $("sources").replaceChildren(...(items.length ? items : [el("li", { class: "muted", text: "No collectors configured." })]));
  }

  function since(t) {
    if (!t) return "";
    const m = Math.round((Date.now() / 1000 - t) / 60);
    return m < 1 ? "just now" : m < 90 ? m + " min ago" : Math.round(m / 60) + " h ago";
  }

  const SEV = { crit: "critical", warn: "warning", info: "info" };

  /* What an incident holds, counted: "room alert, 8 APs, 8 radios". */
  function incidentCounts(g) {
    const parts = [];
    if (g.area_n) parts.push(g.area_n + " " + (g.kind === "venue" ? "venue" : g.kind) + " alert" + (g.area_n === 1 ? "" : "s"));
    if (g.aps_n) parts.push(g.aps_n + " AP" + (g.aps_n === 1 ? "" : "s"));
    if (g.radios_n) parts.push(g.radios_n + " radio" + (g.radios_n === 1 ? "" : "s"));
    return parts.join(", ");
  }

  function incidentHref(g) {
    return g.kind === "room" && model.rooms[g.name] ? "#/room/" + encodeURIComponent(g.name) : null;
  }

  /* Incident cards are kept per key and updated in place: rebuilt every
   * tick, their buttons would lose keyboard focus and any click held
   * across an update. */
  function incidentRow(key) {
    const current = () => (model.incidents || []).find((x) => x.key === key);
    const members = el("ul", { class: "members" });
    const row = el("li", { "data-key": key },
      el("div", { class: "inc-head" }, el("span", { class: "sev" }), el("span", { class: "name" }), el("span", { class: "age muted" })),
      el("p", { class: "sum" }),
      el("details", {}, el("summary", {}), members,
        el("div", { class: "actions" },
          el("button", { type: "button", class: "ack", onclick: () => { const g = current(); if (g) ackIncident(g); } }, "Ack"),
          el("button", { type: "button", class: "silence", onclick: () => { const g = current(); if (g) silenceIncident(g); } }, "Silence 1 h"))));
    return row;
  }

  function memberItems(g) {
    const byId = new Map((model.alerts || []).map((a) => [a.id, a]));
    return g.alerts.map((id) => byId.get(id)).filter(Boolean).map((a) =>
      el("li", { class: "sev-" + a.severity, "data-id": a.id, "data-rule": a.rule },
        el("span", { class: "sev", text: SEV[a.severity] || a.severity }), " ",
        a.summary || a.rule, el("span", { class: "muted", text: " \u00b7 " + [a.state, a.acked ? "acked" : null, a.silenced ? "silenced" : null].filter(Boolean).join(", ") })));
  }

  function fillIncident(row, g) {
    row.className = "alert incident sev-" + g.severity;
    row.dataset.rule = g.rule;
    row.dataset.kind = g.kind;
    row.dataset.state = g.state;
    row.dataset.severity = g.severity;
    const [head, sum, details] = row.children;
    const [sev, name, age] = head.children;
    sev.textContent = SEV[g.severity] || g.severity;
    const href = incidentHref(g);
    name.replaceChildren(href ? el("a", { href: href, text: g.name }) : document.createTextNode(g.kind === "venue" ? "venue" : g.kind + " " + g.name));
    const flags = [g.state === "pending" ? "pending" : null, g.acked ? "acked" : null, g.silenced ? "silenced" : null].filter(Boolean);
    age.textContent = [since(g.since)].concat(flags).join(" \u00b7 ");
    sum.textContent = g.summary;
    const [summary, members, actions] = details.children;
    summary.textContent = g.alerts_n + " alert" + (g.alerts_n === 1 ? "" : "s") + ": " + incidentCounts(g);
    if (details.open) members.replaceChildren(...memberItems(g));
    else if (!details.dataset.wired) {
      details.dataset.wired = "1";
      details.addEventListener("toggle", () => { const c = (model.incidents || []).find((x) => x.key === row.dataset.key); if (c && details.open) members.replaceChildren(...memberItems(c)); });
    }
    const [ackButton, silenceButton] = actions.children;
    ackButton.setAttribute("aria-label", "Acknowledge the " + g.alerts_n + " alerts of " + g.name);
    silenceButton.setAttribute("aria-label", "Silence for 1 hour the alerts of " + g.name);
  }

  function renderAlerts() {
    const groups = model.incidents || [];
    const n = (model.alerts || []).filter((a) => a.severity !== "info").length;
    $("alerts-count").textContent = groups.length ? "(" + groups.length + (n !== groups.length ? ", " + n + " alerts" : "") + ")" : "";
    $("alerts-empty").hidden = groups.length > 0;
    const list = $("alerts");
    const rows = new Map([...list.children].map((li) => [li.dataset.key, li]));
    groups.forEach((g, i) => {
      const row = rows.get(g.key) || incidentRow(g.key);
      rows.delete(g.key);
      fillIncident(row, g);
      if (list.children[i] !== row) list.insertBefore(row, list.children[i] || null);
    });
    for (const stale of rows.values()) stale.remove();
  }

  function render() {
    if (!model || !model.venue) return;
    renderVerdict(model.venue);
    renderRooms();
    renderAlerts();
    renderCards(model.venue);
    renderUplinks();
    renderSources();
  }

  /* ---- acks and silences ---- */

  async function post(url, body) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) {
      document.querySelector(".token").open = true;
      $("token").focus();
      $("action-msg").textContent = "Enter the API token first.";
      return false;
    }
    try {
      const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", Authorization: "Bearer " + token }, body: JSON.stringify(body) });
      const data = await res.json().catch(() => ({}));
      $("action-msg").textContent = res.ok ? "Done; the alert list updates on the next tick." : "Refused (" + res.status + "): " + (data.error || res.statusText);
      return res.ok;
    } catch (e) {
      $("action-msg").textContent = "Could not reach headroomd: " + e.message;
      return false;
    }
  }

  function ack(a) {
    return post("/api/v1/alerts/" + encodeURIComponent(a.id) + "/ack", { author: "dashboard", comment: "acknowledged on the dashboard" });
  }

  async function ackIncident(g) {
    for (const id of g.alerts) if (!(await ack({ id: id }))) return;
  }

  /* A silence for exactly this alert: its rule and every label. */
  function silence(a) {
    const matchers = [{ name: "rule", value: a.rule, isEqual: true }].concat(
      Object.entries(a.labels || {}).map(([name, value]) => ({ name, value: String(value), isEqual: true })));
    return post("/api/v1/silences", { matchers: matchers, endsAt: Math.floor(Date.now() / 1000) + 3600, comment: "silenced for 1 h on the dashboard", createdBy: "dashboard" });
  }

  /* An incident is an area: one silence on its label covers every alert
   * in it, those to come included; the venue's alerts go one by one. */
  async function silenceIncident(g) {
    if (g.kind !== "venue") {
      await post("/api/v1/silences", { matchers: [{ name: g.kind, value: g.name, isEqual: true }], endsAt: Math.floor(Date.now() / 1000) + 3600, comment: "silenced for 1 h on the dashboard", createdBy: "dashboard" });
      return;
    }
    const byId = new Map((model.alerts || []).map((a) => [a.id, a]));
    for (const id of g.alerts) if (byId.has(id) && !(await silence(byId.get(id)))) return;
  }

  /* ---- wiring ---- */

  function init() {
    $("token-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const v = $("token").value.trim();
      if (v) sessionStorage.setItem(TOKEN_KEY, v);
      $("token").value = "";
      $("action-msg").textContent = v ? "Token saved for this tab." : "";
    });
    $("token-clear").addEventListener("click", () => {
      sessionStorage.removeItem(TOKEN_KEY);
      $("action-msg").textContent = "Token forgotten.";
    });
    $("room-close").addEventListener("click", () => {
      const name = selectedRoom;
      selectedRoom = null;
      renderRooms();
      const tile = name && document.querySelector('[data-room="' + CSS.escape(name) + '"]');
      if (tile) tile.focus();
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && selectedRoom) $("room-close").click();
    });
    for (const b of document.querySelectorAll(".ranges button")) {
      b.addEventListener("click", () => {
        range = b.dataset.range;
        for (const o of document.querySelectorAll(".ranges button")) o.setAttribute("aria-pressed", String(o === b));
        if (model) renderUplinks();
      });
    }
    setInterval(checkStale, 1000);
    connect();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
