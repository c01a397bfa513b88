// The signed-in key lives only in this tab's session storage (gone when the tab closes) and is sent as
// X-API-Key by api.js. No cookie is ever set, so there is no CSRF surface.

const STORE_KEY = "answerbot.console.session";

/** {key, account, admin} or null. */
export function current() {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
    return value && typeof value.key === "string" ? value : null;
  } catch {
    return null;
  }
}

export function save(session) {
  sessionStorage.setItem(STORE_KEY, JSON.stringify(session));
}

export function clear() {
  sessionStorage.removeItem(STORE_KEY);
}
