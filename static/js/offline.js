// The phone app: the service worker (core/templates/core/sw.js), and the forms written without
// a connection (a report, a visit log). A form marked data-keep-offline that cannot be sent
// is kept on the phone (IndexedDB: its fields and photos, its idempotency key among them) and
// sent when the connection returns; the server files one case per key, so a report sent
// twice (a second tab, a connection lost before the answer) is filed once. What is kept is the
// signed-in person's (`owner`): only they send it, and signing out deletes it (a shared phone).
// One the server refuses comes back as a draft: opening its form fills it in again.
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

const owner = () => document.body.dataset.user || "";
const keep = (post) => waitingStore("readwrite", (store) => store.add(post));
const drop = (key) => waitingStore("readwrite", (store) => store.delete(key));
const putBack = (key, post) => waitingStore("readwrite", (store) => store.put(post, key));

// The signed-in person's kept posts, [key, post] in the order they were written.
async function mine() {
  const [keys, posts] = await Promise.all([
    waitingStore("readonly", (store) => store.getAllKeys()),
    waitingStore("readonly", (store) => store.getAll()),
  ]);
  return keys.map((key, i) => [key, posts[i]]).filter(([, post]) => post.owner === owner());
}

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
  const waiting = (await mine()).filter(([, post]) => !post.refused);
  const box = document.querySelector("[data-waiting]");
  if (box && waiting.length) {
    banner(box.dataset.waitingText.replace("{n}", waiting.length));
  }
  return waiting;
}

// A form that cannot leave now is kept: before htmx tries (the phone knows it is offline) or
// when its try fails on the way (the connection dropped).
function keepForm(form) {
  const fields = [...new FormData(form)];
  keep({ action: form.action, fields, at: Date.now(), owner: owner() }).then(showWaiting);
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
    for (const [key, post] of await showWaiting()) {
      const body = new FormData();
      post.fields.forEach(([name, value]) => body.append(name, value));
      // This page's token: the one kept may be from before a new sign-in.
      const token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
      body.set("csrfmiddlewaretoken", token);
      const answer = await fetch(post.action, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "HX-Request": "true", "X-CSRFToken": token },
      });
      if (answer.status >= 500) {
        break; // try again later
      }
      // Accepted: htmx's answer names the next page; a plain form's was a redirect to it.
      const next = answer.headers.get("HX-Redirect") || (answer.redirected ? answer.url : "");
      const box = document.querySelector("[data-waiting]");
      if (next) {
        await drop(key);
        banner(box && box.dataset.sentText, "success", next);
      } else {
        // Refused (the form came back with its errors): kept as a draft, to be put right.
        await putBack(key, { ...post, refused: true, reason: reasons(await answer.text()) });
        banner(box && box.dataset.refusedText, "danger", post.action);
      }
    }
  } catch {
    // no connection after all: the rest waits for the next "online"
  } finally {
    sending = false;
  }
}

// What the refused form said was wrong, as its page shows it.
function reasons(html) {
  const page = new DOMParser().parseFromString(html, "text/html");
  const said = [...page.querySelectorAll(".alert-danger, .text-danger")].map((e) => e.textContent.trim());
  return said.filter(Boolean).join(" ");
}

// A refused draft of a form on this page is filled back into it (its words, choices and
// photos; the page's own key and token stay), with what was wrong, and leaves the phone.
async function fillDraft() {
  for (const [key, post] of await mine()) {
    const form = [...document.querySelectorAll("form[data-keep-offline]")].find(
      (f) => f.action === post.action,
    );
    if (!post.refused || !form) {
      continue;
    }
    const files = {};
    for (const [name, value] of post.fields) {
      const field = form.elements[name];
      if (!field || name === "csrfmiddlewaretoken" || name === "idempotency_key") {
        continue;
      }
      if (value instanceof File) {
        if (value.size) {
          (files[name] = files[name] || new DataTransfer()).items.add(value); // not "no file"
        }
      } else if (field.type === "checkbox") {
        field.checked = true;
      } else if (field.type !== "file") {
        field.value = value;
      }
    }
    Object.entries(files).forEach(([name, chosen]) => {
      // The photos input itself, not the camera button's beside it (cases/widgets/photos.html).
      form.querySelector(`input[type=file][name="${name}"]:not([data-add-to])`).files = chosen.files;
    });
    form.querySelector("textarea")?.dispatchEvent(new Event("input", { bubbles: true })); // read again
    await drop(key);
    const box = document.querySelector("[data-waiting]");
    banner(box && `${box.dataset.draftText} ${post.reason || ""}`.trim(), "danger");
    return;
  }
}

// Signing out deletes what this person kept on the phone, sent or not.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.matches("form[data-sign-out]") || form.dataset.cleared) {
    return;
  }
  event.preventDefault();
  try {
    await Promise.all((await mine()).map(([key]) => drop(key)));
  } finally {
    form.dataset.cleared = "yes";
    form.submit();
  }
});

window.addEventListener("online", sendWaiting);
document.addEventListener("DOMContentLoaded", async () => {
  await fillDraft().catch(() => {});
  return navigator.onLine ? sendWaiting() : showWaiting();
});
