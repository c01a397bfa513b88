// Analytics: per day attempts, offered, unoffered, resolutions and rejections by reason, for a date range.

import {accountPath} from "../api.js";
import {stackedDays} from "../charts.js";
import {field, h, replace, say} from "../dom.js";

const REASONS = [
  ["not_related", "rejected: not related", "rejected"],
  ["related_but_did_not_answer", "rejected: related but did not answer", "other"],
  ["unknown", "rejected: no reason given", "unoffered"],
];

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

function daysBetween(first, last) {
  const days = [];
  for (let d = new Date(`${first}T00:00:00Z`); isoDay(d) <= last; d.setUTCDate(d.getUTCDate() + 1)) days.push(isoDay(d));
  return days;
}

export async function render(root, {api, session}) {
  const today = new Date();
  const monthAgo = new Date(today.getTime() - 29 * 86400000);
  const from = h("input", {id: "analytics-from", type: "date", value: isoDay(monthAgo), required: true});
  const to = h("input", {id: "analytics-to", type: "date", value: isoDay(today), required: true});
  const error = h("div", {class: "notice error", role: "alert"});
  const out = h("div", {id: "analytics-result", "aria-live": "polite"});
  const form = h(
    "form",
    {id: "analytics-form", onsubmit: (event) => { event.preventDefault(); load(); }},
    h("div", {class: "row"}, field("From (UTC day)", from), field("To (UTC day)", to), h("button", {type: "submit"}, "Show")),
  );
  replace(root, form, error, out);
  await load();

  async function load() {
    say(error);
    let data;
    try {
      data = await api.get(accountPath(session.account, "analytics"), {from: from.value, to: to.value});
    } catch (e) {
      say(error, h("p", {}, e.message));
      return;
    }
    const byDay = new Map(data.days.map((d) => [d.day, d]));
    const days = daysBetween(data.first_day, data.last_day);
    const zero = {attempts: 0, offered: 0, unoffered: 0, resolutions: 0, rejections: {}};
    const rows = days.map((day) => byDay.get(day) || {...zero, day});
    const values = (fn) => rows.map(fn);
    const t = data.totals;
    const rejected = Object.values(t.rejections).reduce((a, b) => a + b, 0);
    replace(
      out,
      h(
        "dl",
        {class: "facts", id: "analytics-totals"},
        h("dt", {}, "Attempts"), h("dd", {}, t.attempts),
        h("dt", {}, "Offered"), h("dd", {}, `${t.offered}${t.attempts ? ` (${Math.round((100 * t.offered) / t.attempts)} %)` : ""}`),
        h("dt", {}, "Not offered"), h("dd", {}, t.unoffered),
        h("dt", {}, "Resolutions"), h("dd", {}, t.resolutions),
        h("dt", {}, "Rejections"), h("dd", {}, rejected),
      ),
      stackedDays({
        caption: "Attempts per day",
        days,
        series: [
          {name: "offered", kind: "offered", values: values((d) => d.offered)},
          {name: "not offered", kind: "unoffered", values: values((d) => d.unoffered)},
        ],
        description: `${t.attempts} attempts from ${data.first_day} to ${data.last_day}: ${t.offered} offered, ${t.unoffered} not offered.`,
      }),
      stackedDays({
        caption: "Feedback per day",
        days,
        series: [
          {name: "resolved", kind: "resolved", values: values((d) => d.resolutions)},
          ...REASONS.map(([key, name, kind]) => ({name, kind, values: values((d) => d.rejections[key] || 0)})),
        ],
        description: `${t.resolutions} resolutions and ${rejected} rejections from ${data.first_day} to ${data.last_day}.`,
      }),
      h(
        "table",
        {id: "analytics-table"},
        h("caption", {}, `Per day, ${data.first_day} to ${data.last_day} (days with attempts)`),
        h("thead", {}, h("tr", {}, h("th", {scope: "col"}, "Day"), ["Attempts", "Offered", "Not offered", "Resolutions", ...REASONS.map((r) => r[1])].map((name) => h("th", {scope: "col", class: "num"}, name)))),
        h(
          "tbody",
          {},
          data.days.length
            ? data.days.map((d) => h("tr", {}, h("td", {}, d.day), [d.attempts, d.offered, d.unoffered, d.resolutions, ...REASONS.map((r) => d.rejections[r[0]] || 0)].map((n) => h("td", {class: "num"}, n))))
            : h("tr", {}, h("td", {colspan: 8}, "No attempts in this range.")),
        ),
      ),
    );
  }
}
