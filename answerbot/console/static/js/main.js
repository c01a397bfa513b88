// Entry point of every console page: checks the session, shows who is signed in, runs the page's module.

import {client} from "./api.js";
import {h, replace} from "./dom.js";
import * as session from "./session.js";

const PAGES = {
  signin: () => import("./pages/signin.js"),
  articles: () => import("./pages/articles.js"),
  try: () => import("./pages/try.js"),
  threshold: () => import("./pages/threshold.js"),
  analytics: () => import("./pages/analytics.js"),
  model: () => import("./pages/model.js"),
};

const base = document.body.dataset.base;
const page = document.body.dataset.page;

function signOut() {
  session.clear();
  window.location.assign(`${base}/`);
}

function showWho(current) {
  const who = document.getElementById("who");
  const role = current.admin ? "admin key" : "account key";
  replace(document.getElementById("who-text"), "Account ", h("strong", {}, current.account), ` (${role})`);
  who.hidden = false;
  document.getElementById("sign-out").addEventListener("click", signOut);
}

async function start() {
  const root = document.getElementById("page");
  const current = session.current();
  if (page !== "signin" && (!current || !current.account)) {
    window.location.replace(`${base}/?next=${encodeURIComponent(page)}`);
    return;
  }
  if (current && current.account) showWho(current);
  const module = await PAGES[page]();
  const api = current ? client(current.key) : null;
  try {
    await module.render(root, {api, session: current, base, signOut});
  } catch (e) {
    if (e.status === 401) {
      // the key was rotated or the account deleted: back to sign-in
      session.clear();
      window.location.replace(`${base}/?expired=1`);
      return;
    }
    root.append(h("div", {class: "notice error", role: "alert"}, h("p", {}, `Could not load this page: ${e.message}`)));
  }
}

start();
