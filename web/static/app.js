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
  let route = null;	// the view the address names: { kind: "room" | "ap", name }
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

  const SEV = { crit: "critical", warn: "warning", info: "info" };

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
        ? el("a", { href: roomHref(vd.worst.name), text: vd.place }) : document.createTextNode(vd.place);
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

  /* A room's cables beside its Wi-Fi (r.wired is null without a switch). */
  function wiredText(r) {
    const w = r.wired;
    if (!w) return "";
    if (w.devices == null) return "cables: no switch reporting";
    return "+ " + num(w.devices) + " on cables" + (w.share == null ? "" : " (" + pct(w.share) + ")") +
      (w.ports == null ? "" : " \u00b7 " + num(w.ports_up) + " of " + num(w.ports) + " ports up");
  }

  function wiredLines(r) {
    if (!r.wired) return [];
    const lines = [el("span", { class: "wired", text: wiredText(r) })];
    if (r.wired.cables_needed) lines.push(el("span", { class: "wired need", text: "plan holds only with the cables" }));
    return lines;
  }

  function roomLabel(r) {
    const clients = r.clients == null ? "no AP reporting" : num(r.clients) + " of " + num(r.capacity) + " clients";
    const sessions = [r.now && sessionText("now", r.now), r.next && sessionText("next", r.next)].filter(Boolean);
    const cables = r.wired ? ", " + wiredText(r) : "";
    return r.name + ": " + clients + cables + ", " + word(r.status) + (r.load == null ? "" : " " + pct(r.load)) + stateWhy(r) + (airtimeText(r) ? ", " + airtimeText(r) : "") + ", plan " + num(r.projected) + (sessions.length ? "; " + sessions.join("; ") : "");
  }

  /* ---- airtime: how busy the channels are, beside the clients ---- */

  const BAND = { "2g4": "2.4 GHz", "5g": "5 GHz", "6g": "6 GHz", "3g5": "3.5 GHz", "60g": "60 GHz", unk: "radio" };
  const busy = (x) => (x == null ? "\u2013" : Math.round(x) + "%");

  function airtimeText(r) {
    const a = r.airtime;
    if (!a || a.max == null) return "";
    return "air " + busy(a.max) + " max" + (a.radios_known > 1 ? ", " + busy(a.mean) + " mean" : "");
  }

  /* Which of the two made a room busy: its clients or its air. */
  function stateWhy(r) {
    const a = r.airtime;
    if (!a || a.status === "unknown" || a.status === "ok") return "";
    return (r.clients_status === a.status || r.clients_status === "crit") ? "" : " \u00b7 air " + busy(a.max);
  }

  function radioText(x) {
    return (BAND[x.band] || x.band) + (x.radio ? " " + x.radio : "") + (x.channel != null ? " ch " + num(x.channel) : "") +
      ": " + num(x.clients) + " clients \u00b7 " + busy(x.utilization) + " busy" + (x.noise != null ? " \u00b7 noise " + Math.round(x.noise) + " dBm" : "");
  }

  function radioItems(a) {
    return (a.radios || []).map((x) => el("span", { class: "radio st-" + x.status, text: radioText(x) }));
  }

  function renderRooms() {
    const grid = $("rooms");
    const names = Object.keys(model.rooms);
    const seen = new Set();
    for (const name of names) {
      const r = model.rooms[name];
      let tile = grid.querySelector('[data-room="' + CSS.escape(name) + '"]');
      if (!tile) {
        tile = el("a", { class: "room", "data-room": name, href: roomHref(name) });
        grid.append(tile);
      }
      seen.add(tile);
      tile.className = "room st-" + r.status;
      tile.setAttribute("aria-label", roomLabel(r));
      const count = r.clients == null ? "\u2013 / " + num(r.capacity) : num(r.clients) + " / " + num(r.capacity);
      const state = r.clients == null ? "Unknown: no AP reporting" : word(r.status) + " " + pct(r.load) + stateWhy(r);
      const air = airtimeText(r);
      tile.replaceChildren(
        el("span", { class: "name", text: name }),
        el("span", { class: "num", text: count }),
        bar(r.load, "load " + pct(r.load)),
        el("span", { class: "state", text: state }),
        air ? el("span", { class: "air st-" + r.airtime.status, text: air }) : null,
        el("span", { class: "sub", text: "plan " + num(r.projected) + (r.aps_known < r.aps_total ? " \u00b7 " + r.aps_known + "/" + r.aps_total + " APs" : "") }),
        ...wiredLines(r),
        ...sessionLines(r)
      );
    }
    for (const tile of [...grid.children]) if (!seen.has(tile)) tile.remove();
    renderUnplanned();
  }

  function apState(a) {
    if (a.state === "unknown") return "Unknown" + (a.reason ? " (" + a.reason + ")" : "");
    if (a.state === "no_data") return "No data (" + a.reason + ")";
    return word(a.status);
  }

  function bands(a) {
    const parts = [["2.4", a.clients_2g4], ["5", a.clients_5g], ["6", a.clients_6g]].filter((b) => b[1] != null);
    return parts.length ? parts.map((b) => b[0] + " GHz " + num(b[1])).join(" \u00b7 ") : "";
  }

  function renderUnplanned() {
    const aps = Object.values(model.aps).filter((a) => !a.planned);
    $("unplanned-wrap").hidden = aps.length === 0;
    $("unplanned").replaceChildren(...aps.map((a) => el("li", { text: a.name + ": " + num(a.clients) + " clients" })));
  }

  /* ---- views: #/room/NAME and #/ap/NAME, links that survive a reload ---- */

  const roomHref = (name) => "#/room/" + encodeURIComponent(name);
  const apHref = (name) => "#/ap/" + encodeURIComponent(name);

  function parseRoute() {
    const m = /^#\/(room|ap)\/(.+)$/.exec(location.hash);
    if (!m) return null;
    try {
      return { kind: m[1], name: decodeURIComponent(m[2]) };
    } catch (e) {
      return null;
    }
  }

  function onRoute() {
    const before = route;
    route = parseRoute();
    document.body.dataset.view = route ? route.kind : "";
    $("view").hidden = !route;
    refetchViews();
    if (model) renderView();
    if (route) {
      window.scrollTo(0, 0);
      $("view-h").focus({ preventScroll: true });
    } else if (before && before.kind === "room") {
      const tile = document.querySelector('[data-room="' + CSS.escape(before.name) + '"]');
      if (tile) tile.focus();
    }
  }

  function setSpan(span) {
    viewGraph.span = span;
    for (const b of document.querySelectorAll("#view-ranges button")) b.setAttribute("aria-pressed", String(b.dataset.span === span));
    refetchViews();
    if (model) renderView();
  }

  function apRow(a) {
    const ratio = a.clients != null && a.capacity ? a.clients / a.capacity : null;
    const st = a.state === "unknown" ? "unknown" : a.status;
    return el("li", { class: "ap st-" + st, "data-ap": a.name },
      el("a", { href: apHref(a.name) },
        el("span", { class: "name", text: a.name }),
        el("span", { class: "num", text: num(a.clients) + " / " + num(a.capacity) }),
        el("span", { class: "state", text: apState(a) })),
      bar(ratio, "load " + pct(ratio)),
      el("span", { class: "bands muted", text: bands(a) }),
      ...radioItems(a));
  }

  function viewAlerts(key) {
    const g = (model.incidents || []).find((x) => x.key === key);
    if (!g) return [el("p", { class: "muted", text: "No active alert here." })];
    return [el("h3", { text: g.alerts_n + " active alert" + (g.alerts_n === 1 ? "" : "s") + (incidentCounts(g) ? ": " + incidentCounts(g) : "") }),
      el("ul", { class: "members" }, ...memberItems(g))];
  }

  function renderRoomView(r) {
    $("view-back").textContent = "\u2190 All rooms";
    $("view-back").setAttribute("href", "#/");
    $("view-h").textContent = r.name;
    $("view-state").className = "pill st-" + r.status;
    $("view-state").textContent = r.clients == null ? "Unknown" : word(r.status) + " " + pct(r.load);
    $("view-sub").textContent = (r.clients == null ? "no AP reporting" : num(r.clients) + " of " + num(r.capacity) + " clients") +
      " \u00b7 plan " + num(r.projected) + " \u00b7 headroom " + num(r.headroom) + " \u00b7 " + r.aps_known + " of " + r.aps_total + " APs reporting" +
      (airtimeText(r) ? " \u00b7 " + airtimeText(r) : "") + (r.wired ? " \u00b7 " + wiredText(r) : "");
    $("view-sessions").replaceChildren(...wiredLines(r).concat(sessionLines(r)).map((s) => el("span", { class: "line" }, s)));
    $("view-alerts").replaceChildren(...viewAlerts("room:" + r.name));
    $("view-list-h").hidden = false;
    const aps = Object.values(model.aps).filter((a) => a.room === r.name);
    $("view-list").replaceChildren(...aps.map(apRow));
    showHistory("room:" + r.name, "Clients in " + r.name, [
      { key: "clients", label: "clients", cls: "g-main" }].concat(r.wired ? [{ key: "wired_devices", label: "on cables", cls: "g-wired" }] : []),
      [{ value: r.capacity, label: "capacity " + num(r.capacity), cls: "g-cap" },
        { value: r.projected, label: "plan " + num(r.projected), cls: "g-plan" }]);
    // a room whose radios state their channel's busy share: its history too
    const a = r.airtime;
    $("view-air").hidden = !(a && a.radios_known);
    if (a && a.radios_known)
      showHistory("room:" + r.name, "Channel busy in " + r.name + ", percent", [
        { key: "airtime_max", label: "busiest radio", cls: "g-main" },
        { key: "airtime_mean", label: "mean of its radios", cls: "g-out" }],
        [{ value: a.crit, label: "crit " + busy(a.crit), cls: "g-cap" },
          { value: a.warn, label: "warn " + busy(a.warn), cls: "g-plan" }], "view-air");
  }

  function renderApView(a) {
    const room = a.room && model.rooms[a.room];
    $("view-back").textContent = room ? "\u2190 " + a.room : "\u2190 All rooms";
    $("view-back").setAttribute("href", room ? roomHref(a.room) : "#/");
    $("view-h").textContent = a.name;
    const st = a.state === "unknown" ? "unknown" : a.status;
    $("view-state").className = "pill st-" + st;
    $("view-state").textContent = apState(a) + (a.clients != null && a.capacity ? " " + pct(a.clients / a.capacity) : "");
    $("view-sub").textContent = (a.clients == null ? "no reading" : num(a.clients) + " of " + num(a.capacity) + " clients") +
      (a.projected != null ? " \u00b7 plan " + num(a.projected) : "") + (a.room ? " \u00b7 in " + a.room : " \u00b7 not in the config") +
      (a.target ? " \u00b7 from " + a.target : "");
    $("view-sessions").replaceChildren(el("span", { class: "line", text: bands(a) }),
      ...radioItems(a).map((x) => el("span", { class: "line" }, x)));
    const mine = (model.incidents || []).find((x) => x.key === "room:" + a.room);
    const own = mine ? { ...mine, alerts: mine.alerts.filter((id) => { const x = (model.alerts || []).find((y) => y.id === id); return x && x.labels && x.labels.ap === a.name; }) } : null;
    $("view-alerts").replaceChildren(...(own && own.alerts.length ? [el("ul", { class: "members" }, ...memberItems(own))] : [el("p", { class: "muted", text: "No active alert on this AP." })]));
    $("view-list-h").hidden = true;
    $("view-list").replaceChildren();
    $("view-air").hidden = true;
    const lines = [{ value: a.capacity, label: "capacity " + num(a.capacity), cls: "g-cap" }];
    if (a.projected != null) lines.push({ value: a.projected, label: "plan " + num(a.projected), cls: "g-plan" });
    showHistory("ap:" + a.name, "Clients on " + a.name, [{ key: "clients", label: "clients", cls: "g-main" }], lines);
  }

  function renderView() {
    if (!route) return;
    const item = route.kind === "room" ? model.rooms[route.name] : model.aps[route.name];
    if (!item) {
      $("view-h").textContent = route.name;
      $("view-state").textContent = "";
      $("view-sub").textContent = "No " + (route.kind === "room" ? "room" : "AP") + " of this name in the venue now.";
      for (const id of ["view-sessions", "view-alerts", "view-list"]) $(id).replaceChildren();
      $("view-graph").hidden = true;
      $("view-air").hidden = true;
      return;
    }
    $("view-graph").hidden = false;
    if (route.kind === "room") renderRoomView(item);
    else renderApView(item);
    document.title = route.name + " \u2013 " + model.venue.verdict.label + " \u2013 headroom";
  }

  /* ---- history graphs, drawn in the page from /api/v1/series: they
   * follow the page's colours (dark mode too) and its font size ---- */

  const SVG = "http://www.w3.org/2000/svg";
  // the view's graphs (clients; a room's airtime), each with its own fetch
  const viewGraph = { span: "1h", boxes: {} };
  function viewBox(id) {
    return viewGraph.boxes[id] || (viewGraph.boxes[id] = { fetched: 0, key: "", data: null, empty: true });
  }
  function refetchViews() {
    for (const g of Object.values(viewGraph.boxes)) g.fetched = 0;
  }
  const graphs = new Map();	// box -> the last arguments of draw(), to redraw on resize

  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  function spanQuery(span) {
    const now = Math.floor(Date.now() / 1000);
    if (span === "today") {
      const midnight = new Date();
      midnight.setHours(0, 0, 0, 0);
      return { q: "from=" + Math.floor(midnight / 1000) + "&to=" + now + "&step=60", from: Math.floor(midnight / 1000), to: now };
    }
    if (span === "event") {
      const v = model.venue;
      if (v.event_start && v.event_start < now) {
        const to = Math.min(now, v.event_end || now);
        return { q: "from=" + v.event_start + "&to=" + to + "&step=300", from: v.event_start, to: to };
      }
      span = "24h";
    }
    const secs = { "1h": 3600, "6h": 21600, "24h": 86400 }[span] || 3600;
    const step = secs > 3600 ? "&step=" + (secs > 21600 ? 300 : 60) : "";
    return { q: "range=" + span + step, from: now - secs, to: now };
  }

  async function series(entity, metric, query, scale) {
    const res = await fetch("/api/v1/series?entity=" + encodeURIComponent(entity) + "&metric=" + metric + "&" + query);
    if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error || res.statusText);
    const d = await res.json();
    return d.points.map(([t, v]) => [t, v == null ? null : v * (scale || 1)]);
  }

  /* The series of an entity over the chosen span in the view's figure id
   * (view-graph unless given), fetched again every 30 s (a tick only
   * moves the last point), every 10 s while it is empty. */
  function showHistory(entity, title, lines, levels, id) {
    const box = $(id || "view-graph"), g = viewBox(box.id);
    const key = entity + "|" + viewGraph.span;
    if (g.key === key && g.data) draw(box.querySelector(".plot"), g.data, levels, title);
    if (g.key === key && Date.now() - g.fetched < (g.empty ? 10000 : 30000)) return;
    g.key = key;
    g.fetched = Date.now();
    const span = spanQuery(viewGraph.span);
    Promise.all(lines.map((l) => series(entity, l.key, span.q).then((points) => ({ ...l, points }))))
      .then((data) => {
        if (g.key !== key) return;
        g.data = { lines: data, from: span.from, to: span.to };
        g.empty = !data.some((l) => l.points.some((p) => p[1] != null));
        draw(box.querySelector(".plot"), g.data, levels, title);
      })
      .catch((e) => {
        if (g.key !== key) return;
        g.data = null;
        g.empty = true;
        box.querySelector(".plot").replaceChildren(el("p", { class: "nograph muted", text: "No history yet: " + e.message + "." }));
      });
    box.querySelector("figcaption").replaceChildren(...legend(lines.concat(levels)));
  }

  function legend(items) {
    return items.map((i) => el("span", { class: "key" }, el("span", { class: "swatch " + i.cls }), i.label));
  }

  function nice(max) {
    const p = Math.pow(10, Math.floor(Math.log10(max)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
    return 10 * p;
  }

  function clock(t, withDay) {
    const d = new Date(t * 1000);
    const hm = String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
    return withDay ? d.toLocaleDateString("en", { weekday: "short" }) + " " + hm : hm;
  }

  /* A line graph of data.lines over [from, to] with horizontal levels
   * (capacity, plan), at the box's own width so the text keeps its size.
   * A store younger than the span starts the graph at its first sample. */
  function draw(box, full, levels, title) {
    graphs.set(box, [full, levels, title]);
    const first = Math.min(...full.lines.map((l) => (l.points.find((p) => p[1] != null) || [Infinity])[0]));
    const data = { ...full, from: isFinite(first) && first > full.from ? Math.max(full.from, first - 60) : full.from };
    const w = Math.max(260, Math.round(box.clientWidth || 600));
    const h = w < 500 ? 190 : 240;
    const pad = { l: 46, r: 8, t: 12, b: 26 };
    const known = data.lines.flatMap((l) => l.points.filter((p) => p[1] != null));
    const top = nice(Math.max(1, ...known.map((p) => p[1]), ...levels.filter((l) => l.value != null).map((l) => l.value)) * 1.08);
    const x = (t) => pad.l + (t - data.from) / Math.max(1, data.to - data.from) * (w - pad.l - pad.r);
    const y = (v) => pad.t + (1 - v / top) * (h - pad.t - pad.b);
    const g = svg("svg", { viewBox: "0 0 " + w + " " + h, width: w, height: h, role: "img", class: "history-svg" });
    g.append(svg("title"));
    g.firstChild.textContent = title + ", " + clock(data.from) + " to " + clock(data.to);
    for (let i = 0; i <= 4; i++) {
      const v = top * i / 4;
      g.append(svg("line", { x1: pad.l, x2: w - pad.r, y1: y(v), y2: y(v), class: "g-grid" }));
      const label = svg("text", { x: pad.l - 6, y: y(v) + 4, "text-anchor": "end", class: "g-text" });
      label.textContent = num(v);
      g.append(label);
    }
    const spanS = data.to - data.from;
    const every = [300, 600, 900, 1800, 3600, 7200, 10800, 21600].find((s) => spanS / s <= (w < 500 ? 4 : 8)) || 43200;
    for (let t = Math.ceil(data.from / every) * every; t <= data.to; t += every) {
      g.append(svg("line", { x1: x(t), x2: x(t), y1: h - pad.b, y2: h - pad.b + 4, class: "g-axis" }));
      const label = svg("text", { x: x(t), y: h - 8, "text-anchor": "middle", class: "g-text" });
      label.textContent = clock(t, spanS > 86400);
      g.append(label);
    }
    g.append(svg("line", { x1: pad.l, x2: w - pad.r, y1: h - pad.b, y2: h - pad.b, class: "g-axis" }));
    let drawn = 0;
    for (const l of data.lines) {
      let d = "", open = false;
      for (const [t, v] of l.points) {
        if (v == null) { open = false; continue; }
        d += (open ? "L" : "M") + x(t).toFixed(1) + " " + y(v).toFixed(1);
        open = true;
        drawn++;
      }
      if (d) g.append(svg("path", { d: d, class: "g-line " + l.cls }));
    }
    for (const lv of levels) {
      if (lv.value == null) continue;
      g.append(svg("line", { x1: pad.l, x2: w - pad.r, y1: y(lv.value), y2: y(lv.value), class: "g-level " + lv.cls }));
      const label = svg("text", { x: w - pad.r - 2, y: y(lv.value) - 4, "text-anchor": "end", class: "g-text g-label " + lv.cls });
      label.textContent = lv.label;
      g.append(label);
    }
    g.dataset.points = String(drawn);
    box.replaceChildren(drawn ? g : el("p", { class: "nograph muted", text: "No history yet for this span: the store has no samples in it." }));
    if (!drawn) box.firstChild.dataset.points = "0";
  }

  function redrawAll() {
    for (const [box, args] of graphs) if (box.isConnected) draw(box, ...args);
  }

  function uplinkQuery() {
    return spanQuery(range);
  }

  /* Uplink graphs are fetched again every minute, every ten seconds while
   * one has nothing to show yet (a store just started). */
  function renderUplinks() {
    const box = $("uplinks");
    const empty = box.querySelector(".plot > p.nograph") != null;
    const refresh = Date.now() - graphStamp > (empty ? 10000 : 60000);
    if (refresh) graphStamp = Date.now();
    for (const [name, u] of Object.entries(model.uplinks)) {
      let card = box.querySelector('[data-uplink="' + CSS.escape(name) + '"]');
      if (!card) {
        card = el("article", { class: "uplink", "data-uplink": name, "aria-label": "Uplink " + name },
          el("h3", {}), el("div", { class: "rows" }), el("p", { class: "sub proj" }),
          el("figure", { class: "history" }, el("div", { class: "plot" }), el("figcaption", {})));
        box.append(card);
      }
      card.querySelector("h3").textContent = name + ": " + (u.utilisation == null ? "no reading yet" : word(u.status) + " " + pct(u.utilisation));
      const cap = u.capacity_mbps;
      card.querySelector(".rows").replaceChildren(
        el("span", { text: "In" }), bar(u.mbps_in != null && cap ? u.mbps_in / cap : null, "in " + mbps(u.mbps_in)), el("span", { text: mbps(u.mbps_in) }),
        el("span", { text: "Out" }), bar(u.mbps_out != null && cap ? u.mbps_out / cap : null, "out " + mbps(u.mbps_out)), el("span", { text: mbps(u.mbps_out) }));
      card.querySelector(".proj").textContent = "capacity " + mbps(cap) + " \u00b7 projected demand " + mbps(u.projected_mbps);
      const fig = card.querySelector("figure");
      if (!refresh && fig.dataset.range === range) continue;
      fig.dataset.range = range;
      const lines = [{ key: "bps_in", label: "in", cls: "g-main" }, { key: "bps_out", label: "out", cls: "g-out" }];
      const levels = [{ value: cap, label: "capacity " + mbps(cap), cls: "g-cap" }, { value: u.projected_mbps, label: "plan " + mbps(u.projected_mbps), cls: "g-plan" }];
      fig.querySelector("figcaption").replaceChildren(...legend(lines.concat(levels)));
      const span = uplinkQuery();
      Promise.all(lines.map((l) => series("uplink:" + name, l.key, span.q, 1e-6).then((points) => ({ ...l, points }))))
        .then((data) => draw(fig.querySelector(".plot"), { lines: data, from: span.from, to: span.to }, levels, "Traffic of uplink " + name + " in Mbit/s"))
        .catch(() => fig.querySelector(".plot").replaceChildren(el("p", { class: "nograph muted", text: "No graph yet: the store has no history for this uplink." })));
    }
  }

  function renderSources() {
    const items = (model.venue.sources || []).map((s) => {
      const t = model.targets[s.name];
      const err = t && t.state === "down" && t.last_error ? ": " + t.last_error : "";
      if (s.state === "no_data")
        return el("li", { class: "down", text: s.name + " (" + s.kind + ") answers, but gives no client counts" + (t && t.reason ? ": " + t.reason : "") });
      return el("li", { class: s.state === "down" ? "down" : "", text: s.name + " (" + s.kind + ") " + s.state + err });
    });
    if (!items.length) items.push(el("li", { class: "muted", text: "No collectors configured." }));
    for (const w of model.venue.config_warnings || [])
      items.push(el("li", { class: "warn", text: "Config: " + w }));
    $("sources").replaceChildren(...items);
  }

  function since(t) {
    if (!t) return "";
    const m = Math.round((Date.now() / 1000 - t) / 60);
    return m < 1 ? "just now" : m < 90 ? m + " min ago" : Math.round(m / 60) + " h ago";
  }

  /* What an incident holds, counted: "room alert, 8 APs, 8 radios". */
  function incidentCounts(g) {
    const parts = [];
    if (g.area_n) parts.push(g.area_n + " " + (g.kind === "venue" ? "venue" : g.kind) + " alert" + (g.area_n === 1 ? "" : "s"));
    if (g.aps_n) parts.push(g.aps_n + " AP" + (g.aps_n === 1 ? "" : "s"));
    if (g.radios_n) parts.push(g.radios_n + " radio" + (g.radios_n === 1 ? "" : "s"));
    return parts.join(", ");
  }

  function incidentHref(g) {
    return g.kind === "room" && model.rooms[g.name] ? roomHref(g.name) : null;
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
    renderView();
    if (!route) renderUplinks();
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
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && route) location.hash = route.kind === "ap" && model && model.aps[route.name] && model.aps[route.name].room ? roomHref(model.aps[route.name].room) : "#/";
    });
    window.addEventListener("hashchange", onRoute);
    for (const b of document.querySelectorAll("#view-ranges button")) b.addEventListener("click", () => setSpan(b.dataset.span));
    let resizing = 0;
    window.addEventListener("resize", () => { clearTimeout(resizing); resizing = setTimeout(redrawAll, 150); });
    onRoute();
    for (const b of document.querySelectorAll("#uplink-ranges button")) {
      b.addEventListener("click", () => {
        range = b.dataset.range;
        for (const o of document.querySelectorAll("#uplink-ranges button")) o.setAttribute("aria-pressed", String(o === b));
        if (model) renderUplinks();
      });
    }
    setInterval(checkStale, 1000);
    connect();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
