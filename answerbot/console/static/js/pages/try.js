// Try a ticket: what the bot would offer, with scores against the threshold, the detected language, the
// words that drove each match highlighted in the ticket (the API's explain), and why nothing was offered.

import {accountPath} from "../api.js";
import {scoreBars} from "../charts.js";
import {field, h, replace, say, score} from "../dom.js";

// A word as the model splits text: letters, numbers and combining marks.
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

export async function render(root, {api, session}) {
  const ticket = h("textarea", {id: "ticket", required: true, rows: 4, placeholder: "e.g. Ich habe mein Passwort vergessen"});
  const locale = h("input", {id: "try-locale", type: "text", autocomplete: "off", size: 8});
  const labels = h("input", {id: "try-labels", type: "text", autocomplete: "off"});
  const topK = h("input", {id: "try-top-k", type: "number", min: 1, max: 10, value: 5});
  const submit = h("button", {type: "submit", id: "try-submit"}, "Recommend");
  const error = h("div", {class: "notice error", role: "alert", id: "try-error"});
  const result = h("section", {id: "try-result", "aria-labelledby": "result-heading", "aria-live": "polite"});
  const form = h(
    "form",
    {id: "try-form", onsubmit: (event) => { event.preventDefault(); run(); }},
    field("Ticket text (any language)", ticket, {hint: "Ctrl+Enter sends it. Every try is recorded as an interaction, as a real ticket would be."}),
    h("div", {class: "row"}, field("Locale (optional)", locale), field("Labels (optional, comma-separated)", labels, {grow: true}), field("Articles (1-10)", topK), submit),
  );
  ticket.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  replace(root, form, error, result);
  ticket.focus();

  async function run() {
    say(error);
    submit.disabled = true;
    const body = {enquiry: ticket.value, top_k: Number(topK.value) || 5, explain: true};
    if (locale.value.trim()) body.locale = locale.value.trim();
    const wanted = labels.value.split(",").map((l) => l.trim()).filter(Boolean);
    if (wanted.length) body.labels = wanted;
    try {
      show(await api.post(accountPath(session.account, "recommendations"), body), body.enquiry);
    } catch (e) {
      replace(result);
      say(error, h("p", {}, e.message));
    } finally {
      submit.disabled = false;
    }
  }

  function show(rec, enquiry) {
    const offered = rec.outcome === "offered";
    const echo = h("p", {class: "ticket-echo", id: "ticket-highlight"});
    const echoHeading = h("h3", {id: "highlight-heading"});
    const items = rec.articles.map((article, i) => card(article, i));

    function select(i) {
      items.forEach((item, j) => {
        item.classList.toggle("selected", i === j);
        item.querySelector("button.highlight").setAttribute("aria-pressed", String(i === j));
      });
      const article = rec.articles[i];
      replace(echoHeading, "Words of the ticket that drove the match with ", h("q", {}, article.title));
      replace(echo, ...highlight(enquiry, article.explanation || []));
    }

    function card(article, i) {
      const drivers = (article.explanation || []).filter((t) => t.weight > 0);
      return h(
        "li",
        {},
        h("h3", {}, `${i + 1}. ${article.title}`),
        h("p", {class: "meta"}, h("span", {}, "score ", h("strong", {}, score(article.score))), h("span", {}, `id ${article.article_id}`), h("span", {}, `locale ${article.locale || "–"}`), article.labels.length ? h("span", {}, `labels ${article.labels.join(", ")}`) : null),
        h("p", {class: "snippet"}, article.snippet),
        h("p", {class: "drivers"}, drivers.length ? `Driving words: ${drivers.map((t) => `${t.token} (+${t.weight.toFixed(3)})`).join(", ")}` : "No single word drove this match."),
        h("button", {type: "button", class: "secondary highlight", "aria-pressed": "false", onclick: () => select(i)}, "Highlight its words in the ticket"),
      );
    }

    const bars = rec.articles.map((a) => ({label: a.title, score: a.score, kind: "offered"}));
    if (!offered && rec.top_score !== null && rec.top_score !== undefined) {
      bars.push({label: "best article", score: rec.top_score, kind: "unoffered"});
    }
    const scoreName = rec.fallback === "lexical" ? "BM25 scores (the encoder was down)" : rec.hybrid ? "Scores (dense + BM25)" : "Scores (cosine)";
    replace(
      result,
      h("h2", {id: "result-heading"}, "Result"),
      h(
        "div",
        {class: "result-summary"},
        h("span", {class: `badge ${rec.outcome}`, id: "outcome"}, offered ? `Offered ${rec.articles.length}` : "Not offered"),
        h("span", {id: "detected-language"}, "Detected language ", h("strong", {}, rec.language.code), ` (${Math.round(rec.language.confidence * 100)} %)`),
        h("span", {}, "Threshold ", h("strong", {}, score(rec.score_threshold))),
        h("span", {}, `Model ${rec.model.name} v${rec.model.version}`),
      ),
      rec.locale_fallback ? h("p", {class: "notice"}, `No article of locale ${locale.value.trim()} passed; articles of every locale are shown.`) : null,
      offered ? null : h("div", {class: "notice unoffered", id: "unoffered"}, h("p", {}, h("strong", {}, "Nothing offered: "), rec.unoffered ? rec.unoffered.message : "no article passed.")),
      bars.length ? scoreBars({caption: scoreName, bars, threshold: rec.score_threshold}) : null,
      offered ? [echoHeading, echo] : null,
      offered ? h("h2", {}, "Ranked articles") : null,
      offered ? h("ol", {class: "ranked", id: "ranked"}, items) : null,
    );
    if (offered) select(0);
  }
}

/** The ticket as text nodes with the words that drove a match (positive weight) in <mark>; the words with at
 * least half the top weight are marked strong. */
function highlight(text, explanation) {
  const weights = new Map(explanation.filter((t) => t.weight > 0).map((t) => [t.token, t.weight]));
  const strongest = Math.max(0, ...weights.values());
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(WORD)) {
    const weight = weights.get(match[0].toLowerCase());
    if (weight === undefined) continue;
    parts.push(text.slice(last, match.index));
    const strong = weight >= strongest / 2;
    parts.push(h("mark", {class: strong ? "strong" : null, title: `drove the match: +${weight.toFixed(3)}`}, match[0]));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}
