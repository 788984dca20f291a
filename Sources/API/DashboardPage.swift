import Foundation
import NIOCore

/// The dashboard page served at `GET /`: one self-contained HTML document (inline CSS, inline JavaScript, SVG
/// charts drawn by the script), so it works offline and loads nothing from anywhere else.
///
/// The page holds no data. It asks for the admin key (kept in `sessionStorage`; also taken once from the URL
/// fragment `#key=…`, then removed from the address bar), fetches `GET /v1/admin/dashboard` with it every
/// `refreshSeconds`, and renders the answer with `textContent` and `createElement` only: tenant ids, models and
/// error messages are never parsed as HTML.
///
/// Elements a script can check (see `Scripts/dashboard-check`): `tr.lane-row`, `svg#chart-throughput` and
/// `svg#chart-queue` (one `circle.point` per data point, `data-points` on the svg), `tr.spend-row` in
/// `#spend-model` and `#spend-tenant`, `tr.failure-row`, and a `div.progress[role=progressbar]` per batch.
enum DashboardPage {
    /// Seconds between two snapshots.
    static let refreshSeconds = 5

    /// Nothing may be loaded from elsewhere; the inline script may only call back to this server.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
        + "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The page's bytes, built once.
    static let buffer = ByteBuffer(string: html)

    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>Sluice</title>
        <style>
        :root { --bg: #f6f7f9; --card: #fff; --ink: #1d2330; --muted: #667085; --line: #e4e7ec; --accent: #2f6fde;
          --accent2: #12a37f; --bad: #d0343a; --warn: #c98a04; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg);
          color: var(--ink); }
        header { display: flex; align-items: center; gap: 16px; padding: 12px 24px; background: #1d2330; color: #fff; }
        header h1 { font-size: 18px; margin: 0; letter-spacing: .5px; }
        header .status { flex: 1; color: #c3c9d5; font-size: 13px; }
        header button { background: transparent; color: #c3c9d5; border: 1px solid #4a5263; border-radius: 6px;
          padding: 4px 10px; cursor: pointer; }
        main { padding: 20px 24px; display: grid; gap: 20px; grid-template-columns: repeat(2, minmax(0, 1fr)); }
        section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px;
          min-width: 0; }
        section.wide { grid-column: 1 / -1; }
        h2 { font-size: 14px; margin: 0 0 10px; text-transform: uppercase; letter-spacing: .6px; color: var(--muted); }
        table { width: 100%; border-collapse: collapse; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-weight: 600; color: var(--muted); font-size: 12px; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr:last-child td { border-bottom: 0; }
        .empty { color: var(--muted); font-style: italic; }
        .pill { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; background: #e8f5ef;
          color: #0c6b53; }
        .pill.paused { background: #fdecec; color: var(--bad); }
        .code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; color: var(--bad); }
        .msg { color: var(--muted); overflow-wrap: anywhere; }
        .learned { color: var(--muted); font-size: 12px; }
        .progress { position: relative; height: 16px; background: #eef1f6; border-radius: 8px; overflow: hidden;
          min-width: 160px; }
        .progress .ok { position: absolute; left: 0; top: 0; bottom: 0; background: var(--accent2); }
        .progress .bad { position: absolute; top: 0; bottom: 0; background: var(--bad); }
        .chart svg { width: 100%; height: 190px; display: block; }
        .chart .axis { stroke: var(--line); }
        .chart text { fill: var(--muted); font-size: 11px; }
        .legend { font-size: 12px; color: var(--muted); margin-top: 4px; }
        .legend span::before { content: ""; display: inline-block; width: 10px; height: 3px; margin: 0 6px 3px 10px;
          background: currentColor; }
        #signin { max-width: 420px; margin: 80px auto; background: var(--card); border: 1px solid var(--line);
          border-radius: 10px; padding: 24px; }
        #signin input { width: 100%; padding: 8px; font: inherit; border: 1px solid var(--line); border-radius: 6px;
          margin: 8px 0 12px; }
        #signin button { padding: 8px 16px; font: inherit; background: var(--accent); color: #fff; border: 0;
          border-radius: 6px; cursor: pointer; }
        #signin .error { color: var(--bad); min-height: 1.4em; }
        [hidden] { display: none !important; }
        @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
        </style>
        </head>
        <body>
        <header>
          <h1>Sluice</h1>
          <div class="status" id="status">Not signed in</div>
          <button id="signout" type="button" hidden>Sign out</button>
        </header>
        <form id="signin" hidden>
          <h2>Admin key</h2>
          <p class="msg">The dashboard reads <code>/v1/admin/dashboard</code> with the admin key. It stays in this tab
          (session storage) and is sent to this server only.</p>
          <input id="key" type="password" autocomplete="off" placeholder="sk-sluice-admin-…" aria-label="Admin key">
          <div class="error" id="signin-error"></div>
          <button type="submit">Sign in</button>
        </form>
        <main id="dashboard" hidden>
          <section class="wide">
            <h2>Lanes</h2>
            <table id="lanes">
              <thead><tr><th>Provider</th><th>State</th><th class="num">Running</th><th class="num">Max concurrency</th>
                <th class="num">Queued</th><th class="num">RPM</th><th class="num">TPM</th><th>Learned limits</th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <section class="chart">
            <h2>Throughput (jobs finished per minute, up to the last hour)</h2>
            <svg id="chart-throughput" viewBox="0 0 600 190" preserveAspectRatio="none" role="img"
              aria-label="Jobs finished per minute"></svg>
            <div class="legend"><span style="color: #12a37f">finished / min</span></div>
          </section>
          <section class="chart">
            <h2>Queue depth (up to the last hour)</h2>
            <svg id="chart-queue" viewBox="0 0 600 190" preserveAspectRatio="none" role="img"
              aria-label="Jobs queued and running"></svg>
            <div class="legend"><span style="color: #2f6fde">queued</span><span style="color: #c98a04">running</span></div>
          </section>
          <section>
            <h2 id="spend-model-title">Spend by model</h2>
            <table id="spend-model">
              <thead><tr><th>Model</th><th>Provider</th><th class="num">Requests</th><th class="num">Tokens</th>
                <th class="num">Cost (USD)</th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <section>
            <h2 id="spend-tenant-title">Spend by tenant</h2>
            <table id="spend-tenant">
              <thead><tr><th>Tenant</th><th class="num">Requests</th><th class="num">Tokens</th>
                <th class="num">Cost (USD)</th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <section class="wide">
            <h2>Batches in progress</h2>
            <table id="batches">
              <thead><tr><th>Batch</th><th>Tenant</th><th>Status</th><th style="width: 40%">Progress</th>
                <th class="num">Done</th><th class="num">Cost (USD)</th><th>Age</th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <section class="wide">
            <h2>Recent failures</h2>
            <table id="failures">
              <thead><tr><th>Job</th><th>Tenant</th><th>Model</th><th>Error</th><th>When</th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
        </main>
        <script>
        "use strict";
        (function () {
          var STORAGE = "sluice.adminKey";
          var REFRESH_MS = __REFRESH__ * 1000;
          var timer = null;
          var $ = function (id) { return document.getElementById(id); };

          // A key handed over in the fragment (#key=...) is kept for this tab, then removed from the address bar.
          if (location.hash.indexOf("#key=") === 0) {
            try { sessionStorage.setItem(STORAGE, decodeURIComponent(location.hash.slice(5))); } catch (e) {}
            history.replaceState(null, "", location.pathname + location.search);
          }

          function key() { try { return sessionStorage.getItem(STORAGE); } catch (e) { return null; } }

          function el(tag, text, className) {
            var node = document.createElement(tag);
            if (text !== undefined && text !== null) node.textContent = String(text);
            if (className) node.className = className;
            return node;
          }
          function cell(row, text, className) { var td = el("td", text, className); row.appendChild(td); return td; }
          function fill(tbodyParent, rows, columns, emptyText) {
            var body = $(tbodyParent).tBodies[0];
            body.replaceChildren();
            if (rows.length === 0) {
              var tr = el("tr"); var td = el("td", emptyText, "empty"); td.colSpan = columns; tr.appendChild(td);
              body.appendChild(tr);
            }
            rows.forEach(function (row) { body.appendChild(row); });
          }
          function num(n) { return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US"); }
          function usd(item) {
            if (item.cost_usd === null || item.cost_usd === undefined) {
              return "unknown (" + num(item.unknown_cost_requests) + " unpriced)";
            }
            var value = Number(item.cost_usd);
            return "$" + (value !== 0 && value < 0.01 ? value.toFixed(6) : value.toFixed(2));
          }
          function ago(seconds, now) {
            if (!seconds) return "–";
            var d = Math.max(0, now - seconds);
            if (d < 60) return d + " s ago";
            if (d < 3600) return Math.floor(d / 60) + " min ago";
            if (d < 86400) return Math.floor(d / 3600) + " h ago";
            return Math.floor(d / 86400) + " d ago";
          }

          function renderLanes(data) {
            fill("lanes", data.lanes.map(function (lane) {
              var tr = el("tr", null, "lane-row");
              tr.dataset.provider = lane.provider;
              cell(tr, lane.provider + (lane.kind ? " (" + lane.kind + ")" : ""));
              var state = cell(tr);
              state.appendChild(lane.paused
                ? el("span", "paused " + Math.ceil(lane.paused_ms / 1000) + " s (429)", "pill paused")
                : el("span", "running", "pill"));
              cell(tr, num(lane.running), "num");
              cell(tr, num(lane.max_concurrency), "num");
              cell(tr, num(lane.queued), "num");
              cell(tr, lane.rpm === null ? "not set" : num(lane.rpm), "num");
              cell(tr, lane.tpm === null ? "not set" : num(lane.tpm), "num");
              var learned = lane.learned.map(function (m) {
                return m.model + ": " + (m.rpm === null ? "–" : num(m.rpm)) + " rpm, " +
                  (m.tpm === null ? "–" : num(m.tpm)) + " tpm";
              });
              if (lane.adaptive_window !== null) learned.push("none stated; adaptive window " + lane.adaptive_window);
              cell(tr, learned.length ? learned.join("; ") : "–", "learned");
              return tr;
            }), 8, "No lanes configured.");
          }

          var SVG = "http://www.w3.org/2000/svg";
          function svg(tag, attributes) {
            var node = document.createElementNS(SVG, tag);
            Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
            return node;
          }
          function span(seconds) {
            return seconds >= 120 ? Math.round(seconds / 60) + " min ago" : Math.round(seconds) + " s ago";
          }
          // Draws series of {t, v} over the time the history covers (at least a minute, at most the last hour):
          // a polyline and one circle.point per point.
          function chart(id, now, series) {
            var root = $(id);
            root.replaceChildren();
            var W = 600, H = 190, L = 44, R = 8, T = 10, B = 22;
            var first = now;
            series.forEach(function (s) { s.points.forEach(function (p) { first = Math.min(first, p.t); }); });
            var width = Math.max(60, Math.min(3600, now - first));
            var start = now - width;
            var max = 1;
            series.forEach(function (s) { s.points.forEach(function (p) { max = Math.max(max, p.v); }); });
            var scale = Math.pow(10, Math.floor(Math.log10(max)));
            max = Math.ceil(max / scale) * scale;
            function x(t) { return L + (W - L - R) * Math.min(1, Math.max(0, (t - start) / width)); }
            function y(v) { return T + (H - T - B) * (1 - v / max); }
            [0, 0.5, 1].forEach(function (f) {
              root.appendChild(svg("line", { x1: L, x2: W - R, y1: y(max * f), y2: y(max * f), "class": "axis" }));
              var label = svg("text", { x: L - 6, y: y(max * f) + 4, "text-anchor": "end" });
              label.textContent = num(Math.round(max * f * 10) / 10);
              root.appendChild(label);
            });
            [[span(width), L, "start"], [span(width / 2), (L + W - R) / 2, "middle"], ["now", W - R, "end"]].forEach(function (a) {
              var label = svg("text", { x: a[1], y: H - 6, "text-anchor": a[2] });
              label.textContent = a[0];
              root.appendChild(label);
            });
            var count = 0;
            series.forEach(function (s) {
              var points = s.points.filter(function (p) { return p.t >= start; });
              if (points.length > 1) {
                root.appendChild(svg("polyline", {
                  points: points.map(function (p) { return x(p.t).toFixed(1) + "," + y(p.v).toFixed(1); }).join(" "),
                  fill: "none", stroke: s.color, "stroke-width": 2, "vector-effect": "non-scaling-stroke",
                  "stroke-dasharray": s.dash || "none"
                }));
              }
              points.forEach(function (p) {
                var dot = svg("circle", { cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 2.5, fill: s.color,
                  "class": "point" });
                var tip = svg("title", {});
                tip.textContent = s.name + ": " + num(Math.round(p.v * 10) / 10) + " at " +
                  new Date(p.t * 1000).toLocaleTimeString();
                dot.appendChild(tip);
                root.appendChild(dot);
                count += 1;
              });
            });
            root.setAttribute("data-points", String(count));
          }

          function renderCharts(data) {
            var now = data.generated_at;
            var history = data.history;
            chart("chart-throughput", now, [{ name: "finished / min", color: "#12a37f", points: history.map(function (s) {
              return { t: s.time, v: s.interval_seconds > 0 ? s.finished * 60 / s.interval_seconds : 0 };
            }) }]);
            var depth = history;
            chart("chart-queue", now, [
              { name: "queued", color: "#2f6fde", points: depth.map(function (s) { return { t: s.time, v: s.queued }; }) },
              { name: "running", color: "#c98a04", dash: "6 4",
                points: depth.map(function (s) { return { t: s.time, v: s.running }; }) }
            ]);
          }

          function tokens(item) { return num(item.prompt_tokens + item.completion_tokens); }

          function renderSpend(data) {
            var since = new Date(data.spend_since * 1000).toLocaleString();
            $("spend-model-title").textContent = "Spend by model (since " + since + ")";
            $("spend-tenant-title").textContent = "Spend by tenant (since " + since + ")";
            fill("spend-model", data.spend_by_model.map(function (g) {
              var tr = el("tr", null, "spend-row");
              cell(tr, g.model); cell(tr, g.provider); cell(tr, num(g.requests), "num"); cell(tr, tokens(g), "num");
              cell(tr, usd(g), "num");
              return tr;
            }), 5, "Nothing billed in this period.");
            fill("spend-tenant", data.spend_by_tenant.map(function (g) {
              var tr = el("tr", null, "spend-row");
              cell(tr, g.tenant); cell(tr, num(g.requests), "num"); cell(tr, tokens(g), "num"); cell(tr, usd(g), "num");
              return tr;
            }), 4, "Nothing billed in this period.");
          }

          function renderBatches(data) {
            fill("batches", data.batches.map(function (b) {
              var tr = el("tr", null, "batch-row");
              var done = b.succeeded + b.failed + b.cancelled + b.expired;
              var total = Math.max(1, b.total);
              cell(tr, b.id); cell(tr, b.tenant); cell(tr, b.status);
              var bar = el("div", null, "progress");
              bar.setAttribute("role", "progressbar");
              bar.setAttribute("aria-valuemin", "0");
              bar.setAttribute("aria-valuemax", String(b.total));
              bar.setAttribute("aria-valuenow", String(done));
              bar.title = num(b.succeeded) + " succeeded, " + num(b.failed + b.cancelled + b.expired) + " not";
              var ok = el("div", null, "ok"); ok.style.width = (100 * b.succeeded / total) + "%";
              var bad = el("div", null, "bad"); bad.style.left = ok.style.width;
              bad.style.width = (100 * (done - b.succeeded) / total) + "%";
              bar.appendChild(ok); bar.appendChild(bad);
              cell(tr).appendChild(bar);
              cell(tr, num(done) + " / " + num(b.total), "num");
              cell(tr, usd(b), "num");
              cell(tr, ago(b.created_at, data.generated_at));
              return tr;
            }), 7, "No batch in progress.");
          }

          function renderFailures(data) {
            fill("failures", data.failures.map(function (f) {
              var tr = el("tr", null, "failure-row");
              cell(tr, f.id + (f.batch_id ? " (" + f.batch_id + (f.custom_id ? ", " + f.custom_id : "") + ")" : ""));
              cell(tr, f.tenant);
              cell(tr, f.model);
              var error = cell(tr);
              error.appendChild(el("div", (f.code || "error") + (f.status_code ? " · HTTP " + f.status_code : ""), "code"));
              error.appendChild(el("div", f.message || "", "msg"));
              cell(tr, ago(f.finished_at, data.generated_at));
              return tr;
            }), 5, "No recent failures.");
          }

          function showSignin(message) {
            clearTimeout(timer);
            $("dashboard").hidden = true;
            $("signout").hidden = true;
            $("signin").hidden = false;
            $("signin-error").textContent = message || "";
            $("status").textContent = "Not signed in";
          }

          function refresh() {
            clearTimeout(timer);
            var k = key();
            if (!k) { showSignin(); return; }
            fetch("/v1/admin/dashboard", { headers: { "Authorization": "Bearer " + k }, cache: "no-store" })
              .then(function (response) {
                if (response.status === 401 || response.status === 403) {
                  try { sessionStorage.removeItem(STORAGE); } catch (e) {}
                  showSignin(response.status === 401 ? "That key was not accepted." : "That key is not the admin key.");
                  return null;
                }
                if (!response.ok) throw new Error("HTTP " + response.status);
                return response.json();
              })
              .then(function (data) {
                if (!data) return;
                $("signin").hidden = true;
                $("dashboard").hidden = false;
                $("signout").hidden = false;
                renderLanes(data); renderCharts(data); renderSpend(data); renderBatches(data); renderFailures(data);
                $("status").textContent = "Updated " + new Date(data.generated_at * 1000).toLocaleTimeString() +
                  " · " + num(data.queue.queued) + " queued, " + num(data.queue.running) + " running";
                timer = setTimeout(refresh, REFRESH_MS);
              })
              .catch(function (error) {
                $("status").textContent = "Cannot reach the server (" + error.message + "); retrying";
                timer = setTimeout(refresh, REFRESH_MS);
              });
          }

          $("signin").addEventListener("submit", function (event) {
            event.preventDefault();
            var value = $("key").value.trim();
            if (!value) return;
            try { sessionStorage.setItem(STORAGE, value); } catch (e) {}
            $("key").value = "";
            refresh();
          });
          $("signout").addEventListener("click", function () {
            try { sessionStorage.removeItem(STORAGE); } catch (e) {}
            showSignin();
          });
          refresh();
        })();
        </script>
        </body>
        </html>
        """#.replacingOccurrences(of: "__REFRESH__", with: String(refreshSeconds))
}
