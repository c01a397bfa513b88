// Model: what the served model says about itself, and how many articles still lack its vectors.

import {accountPath} from "../api.js";
import {h, replace} from "../dom.js";

export async function render(root, {api, session}) {
  const [model, counts] = await Promise.all([api.get("/v1/model"), api.get(accountPath(session.account, "article-counts"))]);
  const fact = (name, value) => [h("dt", {}, name), h("dd", {}, value)];
  replace(
    root,
    h(
      "section",
      {class: "panel", "aria-labelledby": "served-heading"},
      h("h2", {id: "served-heading"}, "Served model"),
      h(
        "dl",
        {class: "facts", id: "model-facts"},
        fact("Name", model.name),
        fact("Version", model.version),
        fact("Languages", model.languages.length ? model.languages.join(", ") : "not recorded"),
        fact("Merge strategy", model.merge_strategy || "not recorded"),
        fact("Vector dimension", model.dim),
        fact("Vocabulary", model.vocab_size === null ? "not recorded" : `${model.vocab_size.toLocaleString("en")} words`),
        fact("Longest input", model.max_tokens === null ? "not recorded" : `${model.max_tokens} tokens`),
      ),
    ),
    h(
      "section",
      {class: "panel", "aria-labelledby": "stale-heading"},
      h("h2", {id: "stale-heading"}, "Articles and their vectors"),
      h(
        "dl",
        {class: "facts", id: "stale-facts"},
        fact(`Articles of ${session.account}`, counts.total),
        fact(`Of those, stale`, counts.stale),
        fact("Articles of all accounts", model.articles),
        fact("Of those, stale", model.stale_articles),
      ),
      h(
        "p",
        {class: "hint"},
        "A stale article has no vector of the served model version yet; its account is ranked with its active version until ",
        h("code", {}, "answerbot reencode --only-stale"),
        " encodes it.",
      ),
    ),
  );
}
