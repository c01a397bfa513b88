// Knowledge base: upload (JSON, CSV, XLSX; drag and drop or the file input), counts per locale, search and
// filters, view (the body as sanitised HTML from the API) and delete.

import {accountPath} from "../api.js";
import {field, h, replace, say} from "../dom.js";

const PAGE_SIZE = 20;

export async function render(root, {api, session}) {
  const account = session.account;
  const path = (...parts) => accountPath(account, ...parts);
  const state = {offset: 0, q: "", locale: "", label: ""};

  // --- upload -------------------------------------------------------------------------------------------
  const fileInput = h("input", {id: "upload-file", type: "file", accept: ".json,.csv,.xlsx"});
  const uploadButton = h("button", {type: "submit", id: "upload-button"}, "Upload");
  const uploadStatus = h("div", {class: "notice ok", role: "status", id: "upload-result"});
  const uploadError = h("div", {class: "notice error", role: "alert", id: "upload-error"});
  const dropzone = h(
    "div",
    {class: "dropzone", id: "dropzone"},
    h("p", {}, "Drop a .json, .csv or .xlsx file here, or choose one:"),
    h("div", {class: "row"}, field("File", fileInput), uploadButton),
  );
  const uploadForm = h(
    "form",
    {id: "upload-form", onsubmit: (event) => { event.preventDefault(); if (fileInput.files[0]) upload(fileInput.files[0]); else say(uploadError, h("p", {}, "Choose a file first.")); }},
    dropzone,
    h(
      "details",
      {},
      h("summary", {}, "File formats"),
      h("p", {class: "hint"}, "CSV (UTF-8) or XLSX: a header row with article_id, title, body, and optionally locale and labels (';'-separated). JSON: a list of {article_id, title, body, locale?, labels?} objects, or {\"articles\": [...]}. Articles with an existing id are replaced; all of a file is written or none of it."),
    ),
  );
  dropzone.addEventListener("dragover", (event) => { event.preventDefault(); dropzone.classList.add("over"); });
  dropzone.addEventListener("dragleave", () => dropzone.classList.remove("over"));
  dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    dropzone.classList.remove("over");
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (file) upload(file);
  });

  async function upload(file) {
    say(uploadStatus);
    say(uploadError);
    uploadButton.disabled = true;
    try {
      const counts = file.name.toLowerCase().endsWith(".json") ? await uploadJson(file) : await uploadTable(file);
      say(uploadStatus, h("p", {}, `${file.name}: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged.`), (counts.deprecations || []).map((note) => h("p", {}, `Note: ${note}`)));
      state.offset = 0;
      await Promise.all([loadCounts(), loadList()]);
    } catch (e) {
      say(uploadError, h("p", {}, h("strong", {}, `${file.name} was not uploaded (nothing was written). `), whereOf(e, file.name)), h("p", {}, e.message));
    } finally {
      uploadButton.disabled = false;
    }
  }

  async function uploadJson(file) {
    let data;
    try {
      data = JSON.parse(await file.text());
    } catch (e) {
      throw Object.assign(new Error(`not valid JSON: ${e.message}`), {field: "file"});
    }
    const articles = Array.isArray(data) ? data : data && data.articles;
    if (!Array.isArray(articles)) {
      throw Object.assign(new Error('the JSON must be a list of articles or {"articles": [...]}'), {field: "file"});
    }
    return api.put(path("articles"), {articles});
  }

  async function uploadTable(file) {
    const form = new FormData();
    form.append("file", file, file.name);
    return api.upload(path("articles", "upload"), form);
  }

  // The row and column at fault, from the error's field: body.file.rows.<row>.<column> (CSV/XLSX) or
  // body.articles.<index>.<field> (JSON).
  function whereOf(error, name) {
    const field = error.field || "";
    let match = field.match(/^body\.file\.rows\.(\d+)\.(.+)$/);
    if (match) return `Row ${match[1]}, column ${match[2]}.`;
    match = field.match(/^body\.articles\.(\d+)\.?(.*)$/);
    if (match) return `Article ${Number(match[1]) + 1} of ${name}${match[2] ? `, field ${match[2]}` : ""}.`;
    return "";
  }

  // --- counts -------------------------------------------------------------------------------------------
  const countsBox = h("div", {id: "counts"});
  const localeSelect = h("select", {id: "filter-locale"}, h("option", {value: ""}, "All locales"));
  const labelSelect = h("select", {id: "filter-label"}, h("option", {value: ""}, "All labels"));

  async function loadCounts() {
    const counts = await api.get(path("article-counts"));
    const rows = counts.locales.map((c) => h("tr", {}, h("td", {}, c.locale || "(none)"), h("td", {class: "num"}, c.articles)));
    replace(
      countsBox,
      h("p", {}, h("strong", {}, `${counts.total} articles`), counts.stale ? ` · ${counts.stale} without a vector of the served model (run answerbot reencode --only-stale)` : ""),
      counts.locales.length
        ? h("table", {id: "locale-counts"}, h("caption", {}, "Articles per locale"), h("thead", {}, h("tr", {}, h("th", {scope: "col"}, "Locale"), h("th", {scope: "col", class: "num"}, "Articles"))), h("tbody", {}, rows))
        : null,
    );
    fillSelect(localeSelect, "All locales", counts.locales.filter((c) => c.locale).map((c) => [c.locale, `${c.locale} (${c.articles})`]), state.locale);
    fillSelect(labelSelect, "All labels", counts.labels.map((c) => [c.label, `${c.label} (${c.articles})`]), state.label);
  }

  function fillSelect(select, allText, options, selected) {
    replace(select, h("option", {value: ""}, allText), options.map(([value, text]) => h("option", {value, selected: value === selected}, text)));
  }

  // --- search and list ----------------------------------------------------------------------------------
  const queryInput = h("input", {id: "filter-q", type: "search", autocomplete: "off"});
  const searchForm = h(
    "form",
    {role: "search", id: "search-form", "aria-label": "Search articles", onsubmit: (event) => { event.preventDefault(); state.q = queryInput.value.trim(); state.locale = localeSelect.value; state.label = labelSelect.value; state.offset = 0; loadList(); }},
    h("div", {class: "row"}, field("Text in title or body", queryInput, {grow: true}), field("Locale", localeSelect), field("Label", labelSelect), h("button", {type: "submit"}, "Search")),
  );
  const listBox = h("div", {id: "article-list", "aria-live": "polite"});
  const listStatus = h("div", {class: "notice ok", role: "status", id: "list-status"});

  async function loadList() {
    const page = await api.get(path("articles"), {limit: PAGE_SIZE, offset: state.offset, q: state.q, locale: state.locale, labels: state.label});
    if (!page.items.length) {
      replace(listBox, h("p", {}, state.q || state.locale || state.label ? "No article matches." : "No articles yet: upload a file above."));
      return;
    }
    const first = page.offset + 1;
    const last = page.offset + page.items.length;
    const rows = page.items.map((a) =>
      h(
        "tr",
        {},
        h("td", {}, h("code", {}, a.article_id)),
        h("td", {}, a.title),
        h("td", {}, a.locale || "–"),
        h("td", {}, a.labels.length ? h("ul", {class: "tags"}, a.labels.map((l) => h("li", {}, l))) : "–"),
        h("td", {class: "nowrap"}, a.updated_at.slice(0, 16).replace("T", " ")),
        h(
          "td",
          {class: "actions"},
          h("button", {type: "button", class: "secondary", "aria-label": `View ${a.article_id}`, onclick: (e) => view(a.article_id, e.currentTarget)}, "View"),
          h("button", {type: "button", class: "danger", "aria-label": `Delete ${a.article_id}`, onclick: (e) => confirmDelete(a, e.currentTarget)}, "Delete"),
        ),
      ),
    );
    const prev = h("button", {type: "button", class: "secondary", disabled: page.offset === 0, onclick: () => { state.offset = Math.max(0, state.offset - PAGE_SIZE); loadList(); }}, "Previous page");
    const next = h("button", {type: "button", class: "secondary", disabled: last >= page.total, onclick: () => { state.offset += PAGE_SIZE; loadList(); }}, "Next page");
    replace(
      listBox,
      h(
        "table",
        {id: "articles-table"},
        h("caption", {}, `Articles ${first}–${last} of ${page.total}`),
        h("thead", {}, h("tr", {}, ["ID", "Title", "Locale", "Labels", "Updated (UTC)", "Actions"].map((name) => h("th", {scope: "col"}, name)))),
        h("tbody", {}, rows),
      ),
      h("div", {class: "pager"}, prev, next),
    );
  }

  // --- view and delete ----------------------------------------------------------------------------------
  const viewTitle = h("h2", {id: "view-title"});
  const viewMeta = h("dl", {class: "facts"});
  const viewBody = h("div", {class: "article-body", id: "view-body"});
  const viewDialog = h(
    "dialog",
    {id: "view-dialog", "aria-labelledby": "view-title"},
    viewTitle,
    viewMeta,
    viewBody,
    h("div", {class: "dialog-actions"}, h("button", {type: "button", onclick: () => viewDialog.close()}, "Close")),
  );

  async function view(articleId) {
    const article = await api.get(path("articles", articleId, "preview"));
    replace(viewTitle, article.title);
    replace(
      viewMeta,
      h("dt", {}, "ID"), h("dd", {}, h("code", {}, article.article_id)),
      h("dt", {}, "Locale"), h("dd", {}, article.locale || "–"),
      h("dt", {}, "Labels"), h("dd", {}, article.labels.join(", ") || "–"),
      h("dt", {}, "Updated"), h("dd", {}, article.updated_at),
    );
    // The API sanitised this HTML with nh3 (no script, handler or remote content is left); the page's
    // Content-Security-Policy would not run inline script anyway.
    const template = document.createElement("template");
    template.innerHTML = article.html;
    viewBody.replaceChildren(template.content);
    viewDialog.showModal();
  }

  const confirmText = h("p", {id: "confirm-text"});
  const confirmButton = h("button", {type: "button", class: "danger", id: "confirm-delete"}, "Delete");
  const confirmDialog = h(
    "dialog",
    {id: "confirm-dialog", "aria-labelledby": "confirm-heading", "aria-describedby": "confirm-text"},
    h("h2", {id: "confirm-heading"}, "Delete article?"),
    confirmText,
    h("div", {class: "dialog-actions"}, h("button", {type: "button", class: "secondary", onclick: () => confirmDialog.close()}, "Cancel"), confirmButton),
  );
  let pendingDelete = null;
  confirmButton.addEventListener("click", async () => {
    const article = pendingDelete;
    confirmDialog.close();
    try {
      await api.del(path("articles", article.article_id));
      say(listStatus, h("p", {}, `Deleted ${article.article_id}.`));
      await Promise.all([loadCounts(), loadList()]);
    } catch (e) {
      say(listStatus, h("p", {}, `Could not delete ${article.article_id}: ${e.message}`));
    }
    searchForm.querySelector("input").focus();
  });

  function confirmDelete(article) {
    pendingDelete = article;
    replace(confirmText, `Delete ${article.article_id} (“${article.title}”)? This cannot be undone.`);
    confirmDialog.showModal();
  }

  replace(
    root,
    h("section", {class: "panel", "aria-labelledby": "upload-heading"}, h("h2", {id: "upload-heading"}, "Upload articles"), uploadForm, uploadStatus, uploadError),
    h("section", {class: "panel", "aria-labelledby": "list-heading"}, h("h2", {id: "list-heading"}, "Articles"), countsBox, searchForm, listStatus, listBox),
    viewDialog,
    confirmDialog,
  );
  await Promise.all([loadCounts(), loadList()]);
}
