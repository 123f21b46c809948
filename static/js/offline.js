// The phone app: the service worker (core/templates/core/sw.js), and the forms written without
// a connection (a report, a visit log). A form marked data-keep-offline that cannot be sent
// is kept on the phone (IndexedDB: its fields and photos, its idempotency key among them) and
// sent when the connection returns; the server files one case per key, so a report sent
// twice (a second tab, a connection lost before the answer) is filed once.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}

const WAITING = "posts";

function waitingStore(mode, use) {
  return new Promise((done, fail) => {
    const open = indexedDB.open("hgj-waiting", 1);
    open.onupgradeneeded = () => open.result.createObjectStore(WAITING, { autoIncrement: true });
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction(WAITING, mode);
      const result = use(tx.objectStore(WAITING));
      tx.oncomplete = () => done(result.result);
      tx.onerror = () => fail(tx.error);
    };
  });
}

const keep = (post) => waitingStore("readwrite", (store) => store.add(post));
const drop = (key) => waitingStore("readwrite", (store) => store.delete(key));
const waitingKeys = () => waitingStore("readonly", (store) => store.getAllKeys());
const waitingPost = (key) => waitingStore("readonly", (store) => store.get(key));

function banner(text, level, link) {
  const box = document.querySelector("[data-waiting]");
  if (!box) {
    return;
  }
  box.hidden = !text;
  box.textContent = text || "";
  box.className = `alert alert-${level || "warning"}`;
  if (link) {
    const open = document.createElement("a");
    open.href = link;
    open.className = "alert-link ms-2";
    open.textContent = box.dataset.openText;
    box.append(open);
  }
}

async function showWaiting() {
  const keys = await waitingKeys();
  const box = document.querySelector("[data-waiting]");
  if (box && keys.length) {
    banner(box.dataset.waitingText.replace("{n}", keys.length));
  }
  return keys;
}

// A form that cannot leave now is kept: before htmx tries (the phone knows it is offline) or
// when its try fails on the way (the connection dropped).
function keepForm(form) {
  const fields = [...new FormData(form)];
  keep({ action: form.action, fields, at: Date.now() }).then(showWaiting);
  form.reset();
}

document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.detail.elt;
  if (form.matches("form[data-keep-offline]") && !navigator.onLine) {
    event.preventDefault();
    keepForm(form);
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.matches("form[data-keep-offline]:not([hx-post])") && !navigator.onLine) {
    event.preventDefault();
    keepForm(form);
  }
});

document.addEventListener("htmx:sendError", (event) => {
  const form = event.detail.elt;
  if (form.matches("form[data-keep-offline]")) {
    keepForm(form); // kept instead of app.js's "no connection" message
  }
});

let sending = false;

async function sendWaiting() {
  if (sending || !navigator.onLine) {
    return;
  }
  sending = true;
  try {
    for (const key of await showWaiting()) {
      const post = await waitingPost(key);
      const body = new FormData();
      post.fields.forEach(([name, value]) => body.append(name, value));
      const token = body.get("csrfmiddlewaretoken") || "";
      const answer = await fetch(post.action, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "HX-Request": "true", "X-CSRFToken": token },
      });
      if (answer.status >= 500) {
        break; // try again later
      }
      await drop(key);
      // Accepted: htmx's answer names the next page; a plain form's was a redirect to it.
      const next = answer.headers.get("HX-Redirect") || (answer.redirected ? answer.url : "");
      const box = document.querySelector("[data-waiting]");
      if (box) {
        banner(next ? box.dataset.sentText : box.dataset.refusedText, next ? "success" : "danger", next);
      }
    }
  } catch {
    // no connection after all: the rest waits for the next "online"
  } finally {
    sending = false;
  }
}

window.addEventListener("online", sendWaiting);
document.addEventListener("DOMContentLoaded", () => (navigator.onLine ? sendWaiting() : showWaiting()));
