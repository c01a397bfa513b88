// The REST API, called with the signed-in key. Errors arrive as {"error": {code, message, field}}.

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** A client that sends ``key`` as X-API-Key with every request (and never a cookie). */
export function client(key) {
  async function request(method, path, {query = null, json = undefined, form = null} = {}) {
    const url = new URL(path, window.location.origin);
    for (const [name, value] of Object.entries(query || {})) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== null && item !== undefined && item !== "") url.searchParams.append(name, String(item));
      }
    }
    const headers = {"X-API-Key": key, Accept: "application/json"};
    let body;
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (form) {
      body = form;
    }
    let response;
    try {
      response = await fetch(url, {method, headers, body, credentials: "omit", cache: "no-store"});
    } catch (e) {
      throw new ApiError(0, "network_error", `the API did not answer (${e.message}); is answerbot running?`, null);
    }
    if (response.status === 204) return null;
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw new ApiError(response.status, error.code || "http_error", error.message || response.statusText, error.field || null);
    }
    return data;
  }

  return {
    get: (path, query) => request("GET", path, {query}),
    post: (path, json) => request("POST", path, {json}),
    put: (path, json) => request("PUT", path, {json}),
    patch: (path, json) => request("PATCH", path, {json}),
    del: (path) => request("DELETE", path),
    upload: (path, form) => request("POST", path, {form}),
  };
}

/** The path of an account's resource: accountPath("acme", "articles", id) -> /v1/accounts/acme/articles/<id>. */
export function accountPath(account, ...parts) {
  return ["/v1/accounts", account, ...parts].map((part, i) => (i === 0 ? part : encodeURIComponent(part))).join("/");
}
