// Building DOM nodes without HTML strings: text always goes in as text, never as markup.

/**
 * h("button", {type: "button", onclick: fn, class: "secondary"}, "Save") -> HTMLButtonElement.
 * Attributes: "class", "for" and any other name are set with setAttribute (false/null/undefined skip it, true
 * sets it empty); "on<event>" names take a listener. Children: nodes, strings (as text), arrays, null.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttributes(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** The same for SVG elements. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttributes(el, attrs);
  append(el, children);
  return el;
}

function setAttributes(el, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (value === true) {
      el.setAttribute(name, "");
    } else if (value !== false && value !== null && value !== undefined) {
      el.setAttribute(name, String(value));
    }
  }
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace everything inside ``el`` with ``children``. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A labelled form field: <div class="field"><label for=id>text</label>control</div>. */
export function field(label, control, {grow = false, hint = null} = {}) {
  const hintEl = hint ? h("p", {class: "hint", id: `${control.id}-hint`}, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", {class: grow ? "field grow" : "field"}, h("label", {for: control.id}, label), control, hintEl);
}

/** Format a score with three decimals ("0.412"). */
export function score(value) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(3);
}

/** Put a message in a live region (role=status or role=alert element) so screen readers read it. */
export function say(region, ...children) {
  replace(region, ...children);
}
