// Small SVG charts drawn here (no library): each is a <figure> with a caption, an SVG with role="img" and a
// text description for screen readers, and a legend. Pages show the same numbers in a table too.

import {h, s} from "./dom.js";

let counter = 0;
const WIDTH = 640;

function figure(caption, description, svgChildren, height, legend = []) {
  counter += 1;
  const captionId = `chart-${counter}-caption`;
  const descId = `chart-${counter}-desc`;
  const svg = s(
    "svg",
    {class: "chart", viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-labelledby": `${captionId} ${descId}`},
    s("desc", {id: descId}, description),
    svgChildren,
  );
  const legendEl = legend.length
    ? h(
        "ul",
        {class: "legend"},
        legend.map(([kind, name]) =>
          h("li", {}, s("svg", {width: 12, height: 12, "aria-hidden": "true"}, s("rect", {width: 12, height: 12, class: `fill-${kind}`})), name),
        ),
      )
    : null;
  return h("figure", {class: "chart"}, h("figcaption", {id: captionId}, caption), svg, legendEl);
}

function scale(domain, range) {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  return (value) => r0 + ((value - d0) / (d1 - d0 || 1)) * (r1 - r0);
}

/** Whole-number ticks from 0 to a round top at or above ``max`` (at most 5): [ticks, top]. */
function countTicks(max) {
  const step = Math.max(1, Math.ceil(max / 4));
  const top = step * Math.max(1, Math.ceil(max / step));
  const ticks = [];
  for (let value = 0; value <= top; value += step) ticks.push(value);
  return [ticks, top];
}

function shorten(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Horizontal bars of article scores with the threshold as a dashed vertical line.
 * bars: [{label, score, kind: "offered" | "unoffered"}].
 */
export function scoreBars({caption, bars, threshold}) {
  const left = 210;
  const right = WIDTH - 60;
  const rowHeight = 28;
  const top = 26;
  const height = top + rowHeight * Math.max(bars.length, 1) + 24;
  const values = [0, threshold, ...bars.map((b) => b.score)];
  const x = scale([Math.min(...values), Math.max(1, ...values)], [left, right]);
  const children = [];
  bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    const x0 = x(Math.min(0, bar.score));
    const x1 = x(Math.max(0, bar.score));
    children.push(
      s("text", {x: left - 8, y: y + 17, "text-anchor": "end"}, s("title", {}, bar.label), shorten(bar.label, 26)),
      s("rect", {x: x0, y: y + 4, width: Math.max(x1 - x0, 1), height: rowHeight - 10, class: `fill-${bar.kind}`}),
      s("text", {x: x1 + 6, y: y + 17}, bar.score.toFixed(3)),
    );
  });
  const tx = x(threshold);
  children.push(
    s("line", {class: "axis", x1: x(0), x2: x(0), y1: top - 4, y2: height - 20, stroke: "#8c959f"}),
    s("line", {class: "threshold", x1: tx, x2: tx, y1: top - 8, y2: height - 16}),
    s("text", {class: "threshold-label", x: tx, y: 14, "text-anchor": "middle"}, `threshold ${threshold.toFixed(3)}`),
  );
  const description = bars.map((b) => `${b.label}: ${b.score.toFixed(3)} (${b.kind})`).join("; ");
  return figure(caption, `${description}. Threshold ${threshold.toFixed(3)}.`, children, height, [
    ["offered", "offered"],
    ["unoffered", "not offered (below the threshold)"],
  ]);
}

/**
 * How many interactions a threshold would have offered (and resolved), as step lines over the threshold,
 * with a dashed marker at ``marker``. points: [{t, offered, resolved}] sorted by t, each the counts at
 * threshold t exactly (the last one 0).
 */
export function thresholdCurve({caption, points, total, marker, description}) {
  const left = 52;
  const right = WIDTH - 16;
  const top = 24;
  const bottom = 250;
  const height = 290;
  const ts = points.map((p) => p.t);
  const lo = Math.floor(Math.min(0, marker, ...ts) * 10) / 10;
  const hi = Math.max(1, marker, ...ts);
  const x = scale([lo, hi], [left, right]);
  const [yTicks, yTop] = countTicks(total);
  const y = scale([0, yTop], [bottom, top]);
  // f(t) counts top scores >= t: it keeps the value of point i up to t_i and drops right after it
  const step = (key) => {
    let d = `M${left},${y(points[0][key])}H${x(points[0].t)}`;
    for (const p of points.slice(1)) d += `V${y(p[key])}H${x(p.t)}`;
    return d + `H${right}`;
  };
  const children = [];
  for (const tick of yTicks) {
    children.push(
      s("line", {class: "grid", x1: left, x2: right, y1: y(tick), y2: y(tick)}),
      s("text", {x: left - 6, y: y(tick) + 4, "text-anchor": "end"}, String(tick)),
    );
  }
  for (let i = 0; i <= 5; i += 1) {
    const t = lo + ((hi - lo) * i) / 5;
    children.push(s("text", {x: x(t), y: bottom + 18, "text-anchor": "middle"}, t.toFixed(2)));
  }
  children.push(
    s("text", {x: (left + right) / 2, y: bottom + 36, "text-anchor": "middle"}, "threshold"),
    // offered is drawn wide below, resolved thin and dashed on top: both stay visible where they coincide
    s("path", {d: step("offered"), class: "stroke-offered"}),
    s("path", {d: step("resolved"), class: "stroke-resolved"}),
    s("line", {class: "threshold", x1: x(marker), x2: x(marker), y1: top - 6, y2: bottom}),
    s("text", {class: "threshold-label", x: x(marker), y: 14, "text-anchor": "middle"}, marker.toFixed(2)),
  );
  return figure(caption, description, children, height, [
    ["offered", "would have been offered"],
    ["resolved", "of those, resolved"],
  ]);
}

/**
 * One stacked bar per day. series: [{name, kind, values: [per day]}], days: ["2025-01-31", ...].
 */
export function stackedDays({caption, days, series, description}) {
  const left = 44;
  const right = WIDTH - 12;
  const top = 12;
  const bottom = 200;
  const height = 232;
  const totals = days.map((_, i) => series.reduce((sum, serie) => sum + serie.values[i], 0));
  const [yTicks, yTop] = countTicks(Math.max(...totals, 0));
  const y = scale([0, yTop], [bottom, top]);
  const band = (right - left) / Math.max(days.length, 1);
  const children = [];
  for (const value of yTicks) {
    children.push(
      s("line", {class: "grid", x1: left, x2: right, y1: y(value), y2: y(value)}),
      s("text", {x: left - 6, y: y(value) + 4, "text-anchor": "end"}, String(value)),
    );
  }
  const labelEvery = Math.max(1, Math.ceil(days.length / 8));
  days.forEach((day, i) => {
    let base = 0;
    for (const serie of series) {
      const value = serie.values[i];
      if (value > 0) {
        children.push(
          s("rect", {
            x: left + i * band + band * 0.15,
            y: y(base + value),
            width: Math.max(band * 0.7, 1),
            height: y(base) - y(base + value),
            class: `fill-${serie.kind}`,
          }),
        );
      }
      base += value;
    }
    if (i % labelEvery === 0) {
      children.push(s("text", {x: left + i * band + band / 2, y: bottom + 18, "text-anchor": "middle"}, day.slice(5)));
    }
  });
  return figure(caption, description, children, height, series.map((serie) => [serie.kind, serie.name]));
}
