// Sign in with an API key. An account key opens its account; the admin key picks or creates an account.

import {client} from "../api.js";
import {field, h, replace, say} from "../dom.js";
import * as session from "../session.js";

const PAGE_NAMES = new Set(["articles", "try", "threshold", "analytics", "model"]);

function nextPage(base) {
  const next = new URLSearchParams(window.location.search).get("next");
  return `${base}/${PAGE_NAMES.has(next) ? next : "try"}`;
}

export async function render(root, {base, session: current}) {
  const keyInput = h("input", {id: "api-key", type: "password", autocomplete: "off", spellcheck: "false", required: true});
  const message = h("div", {class: "notice error", role: "alert", id: "signin-error"});
  const picker = h("div", {id: "admin-picker"});
  const form = h(
    "form",
    {id: "signin-form", onsubmit: (event) => signIn(event)},
    h("div", {class: "row"}, field("API key", keyInput, {grow: true, hint: "An account's key, or the admin key. After make run, the demo account acme-cloud has the key demo-key-acme-cloud."}), h("button", {type: "submit"}, "Sign in")),
  );
  const intro = h(
    "p",
    {},
    "The key stays in this browser tab only (session storage) and is sent with each request as the X-API-Key header. Closing the tab signs you out.",
  );
  replace(root, intro, form, message, picker);
  if (new URLSearchParams(window.location.search).get("expired")) {
    say(message, h("p", {}, "Your key no longer works (rotated or removed); sign in again."));
  }
  if (current && current.account) {
    root.prepend(
      h("div", {class: "notice ok"}, h("p", {}, "Signed in to account ", h("strong", {}, current.account), ". ", h("a", {href: `${base}/try`}, "Continue to Try a ticket"), ".")),
    );
  }
  keyInput.focus();
  if (current && current.admin) await showPicker(client(current.key), current.key);  // switch accounts

  async function signIn(event) {
    event.preventDefault();
    say(message);
    const key = keyInput.value.trim();
    const api = client(key);
    let me;
    try {
      me = await api.get("/v1/me");
    } catch (e) {
      say(message, h("p", {}, e.status === 401 ? "That key is not valid: check it and try again." : e.message));
      keyInput.focus();
      return;
    }
    if (!me.admin) {
      session.save({key, account: me.account, admin: false});
      window.location.assign(nextPage(base));
      return;
    }
    await showPicker(api, key);
  }

  async function showPicker(api, key) {
    const {items} = await api.get("/v1/accounts");
    const select = h("select", {id: "account-select"}, items.map((a) => h("option", {value: a.account_id}, a.account_id)));
    const open = (account) => {
      session.save({key, account, admin: true});
      window.location.assign(nextPage(base));
    };
    const newId = h("input", {id: "new-account", type: "text", pattern: "[A-Za-z0-9._\\-]{1,128}", required: true, autocomplete: "off"});
    const created = h("div", {class: "notice ok", role: "status", id: "created-account"});
    const createError = h("div", {class: "notice error", role: "alert"});
    const pickForm = h(
      "form",
      {id: "pick-form", onsubmit: (e) => { e.preventDefault(); open(select.value); }},
      h("div", {class: "row"}, field("Account", select), h("button", {type: "submit", disabled: !items.length}, "Open account")),
    );
    const createForm = h(
      "form",
      {id: "create-form", onsubmit: (e) => create(e)},
      h("div", {class: "row"}, field("New account id", newId, {hint: "1-128 letters, digits, '.', '_' or '-'."}), h("button", {type: "submit"}, "Create account")),
    );
    replace(
      picker,
      h("section", {class: "panel", "aria-labelledby": "pick-heading"}, h("h2", {id: "pick-heading"}, "Signed in with the admin key: choose an account"), items.length ? pickForm : h("p", {}, "There is no account yet."), h("h3", {}, "Or create one"), createForm, createError, created),
    );
    select.focus();

    async function create(event) {
      event.preventDefault();
      say(createError);
      try {
        const result = await api.post("/v1/accounts", {account_id: newId.value.trim()});
        const account = result.account.account_id;
        say(
          created,
          h("p", {}, "Created account ", h("strong", {}, account), ". Its API key is shown only now; store it: ", h("code", {}, result.api_key)),
          h("p", {}, h("button", {type: "button", onclick: () => open(account)}, `Open ${account}`)),
        );
        select.append(h("option", {value: account}, account));
      } catch (e) {
        say(createError, h("p", {}, e.message));
      }
    }
  }
}
