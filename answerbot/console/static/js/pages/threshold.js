// Threshold: the account's score threshold, and how many recent interactions each threshold would have
// offered (and, from feedback, resolved), replayed from the top score each interaction recorded.

import {accountPath} from "../api.js";
import {thresholdCurve} from "../charts.js";
import {field, h, replace, say} from "../dom.js";

const BIN = 0.01;

export async function render(root, {api, session}) {
  const path = (...parts) => accountPath(session.account, ...parts);
  let account = await api.get(path());
  let dist = null;

  const number = h("input", {id: "threshold-value", type: "number", min: -1, max: 1, step: BIN});
  const slider = h("input", {id: "threshold-slider", type: "range", min: -1, max: 1, step: BIN, "aria-label": "Score threshold slider"});
  const windowSelect = h("select", {id: "threshold-window"}, [100, 500, 1000, 5000].map((n) => h("option", {value: n, selected: n === 1000}, `last ${n}`)));
  const saved = h("p", {id: "threshold-saved"});
  const status = h("div", {class: "notice ok", role: "status", id: "threshold-status"});
  const error = h("div", {class: "notice error", role: "alert"});
  const summary = h("p", {id: "threshold-summary", "aria-live": "polite"});
  const chartBox = h("div", {id: "threshold-chart"});
  const tableBox = h("div");

  const form = h(
    "form",
    {id: "threshold-form", onsubmit: (event) => { event.preventDefault(); save(Number(number.value)); }},
    h("div", {class: "row"}, field("Score threshold (-1 to 1)", number), h("div", {class: "field grow"}, slider), h("button", {type: "submit", id: "threshold-save"}, "Save threshold"), h("button", {type: "button", class: "secondary", id: "threshold-default", onclick: () => save(null)}, "Use the global default")),
    h("div", {class: "row"}, field("Interactions to replay", windowSelect)),
  );
  number.addEventListener("input", () => { slider.value = number.value; redraw(); });
  slider.addEventListener("input", () => { number.value = slider.value; redraw(); });
  windowSelect.addEventListener("change", () => load());

  replace(
    root,
    h("p", {}, "Articles scoring below the threshold are not offered. The chart replays the account's recent interactions: at each threshold, how many would have been offered and how many of those were resolved (feedback)."),
    saved,
    form,
    status,
    error,
    h("section", {"aria-labelledby": "replay-heading"}, h("h2", {id: "replay-heading"}, "Recent interactions at each threshold"), summary, chartBox, tableBox),
  );
  showSaved();
  await load();

  function showSaved() {
    const own = account.score_threshold !== null;
    replace(saved, "Saved threshold: ", h("strong", {}, account.effective_score_threshold.toFixed(2)), own ? " (set for this account)" : " (the global default, ANSWERBOT_SCORE_THRESHOLD)");
    number.value = account.effective_score_threshold.toFixed(2);
    slider.value = number.value;
  }

  async function save(value) {
    say(status);
    say(error);
    if (value !== null && !(value >= -1 && value <= 1)) {
      say(error, h("p", {}, "The threshold must be a number from -1 to 1."));
      return;
    }
    try {
      account = await api.patch(path(), {score_threshold: value});
      showSaved();
      redraw();
      say(status, h("p", {}, `Saved: the threshold is now ${account.effective_score_threshold.toFixed(2)}.`));
    } catch (e) {
      say(error, h("p", {}, e.message));
    }
  }

  async function load() {
    dist = await api.get(path("interactions", "scores"), {last: windowSelect.value, bin_width: BIN});
    redraw();
  }

  // counts at threshold t exactly: bins whose lower edge is >= t
  function at(t) {
    let offered = 0;
    let resolved = 0;
    for (const bin of dist.bins) {
      if (bin.lower >= t - 1e-9) {
        offered += bin.interactions;
        resolved += bin.resolved;
      }
    }
    return {offered, resolved};
  }

  function redraw() {
    if (!dist) return;
    const marker = Number(number.value);
    const scored = dist.interactions - dist.unscored;
    if (!scored) {
      replace(summary, dist.interactions ? `None of the last ${dist.interactions} interactions has a recorded score yet.` : "No interactions yet: try a ticket, or wait for real ones.");
      replace(chartBox);
      replace(tableBox);
      return;
    }
    const here = Number.isFinite(marker) ? at(marker) : {offered: 0, resolved: 0};
    const share = Math.round((100 * here.offered) / scored);
    replace(
      summary,
      `At ${Number.isFinite(marker) ? marker.toFixed(2) : "?"}: ${here.offered} of ${scored} recent interactions would have been offered (${share} %), ${here.resolved} of them resolved.`,
      dist.unscored ? ` ${dist.unscored} interactions without a recorded score are left out.` : "",
    );
    const points = dist.bins.map((bin) => ({t: bin.lower, ...at(bin.lower)}));
    const last = dist.bins[dist.bins.length - 1];
    points.push({t: Math.round((last.lower + dist.bin_width) * 1e6) / 1e6, offered: 0, resolved: 0});
    replace(
      chartBox,
      thresholdCurve({
        caption: `Offered and resolved at each threshold (last ${dist.interactions} interactions)`,
        points,
        total: scored,
        marker: Number.isFinite(marker) ? marker : 0,
        description: `From ${scored} at threshold ${points[0].t.toFixed(2)} down to 0 at ${points[points.length - 1].t.toFixed(2)}. ${summary.textContent}`,
      }),
    );
    const steps = [];
    for (let t = Math.floor(points[0].t * 10) / 10; t <= 1.0001; t += 0.05) steps.push(Math.round(t * 100) / 100);
    replace(
      tableBox,
      h(
        "details",
        {},
        h("summary", {}, "The same as a table"),
        h(
          "table",
          {id: "threshold-table"},
          h("caption", {}, "Interactions offered and resolved per threshold"),
          h("thead", {}, h("tr", {}, h("th", {scope: "col", class: "num"}, "Threshold"), h("th", {scope: "col", class: "num"}, "Offered"), h("th", {scope: "col", class: "num"}, "Resolved"))),
          h("tbody", {}, steps.map((t) => { const c = at(t); return h("tr", {}, h("td", {class: "num"}, t.toFixed(2)), h("td", {class: "num"}, c.offered), h("td", {class: "num"}, c.resolved)); })),
        ),
      ),
    );
  }
}
