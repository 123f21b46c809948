// Small behaviours wired by data attributes (no inline scripts).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
  const copy = event.target.closest("[data-copy]");
  if (copy) {
    // Copy a field's text (a feedback sheet to paste into a hotline's portal); without the
    // clipboard (plain HTTP), the text is selected for Ctrl+C.
    const field = document.querySelector(copy.dataset.copy);
    field.select();
    navigator.clipboard?.writeText(field.value).then(() => {
      copy.textContent = copy.dataset.copied;
    });
  }
});

// Refusals of htmx requests. The server answers a refused action with a fragment that htmx
// swaps in right after the element that asked (core.http.render_error; the htmx-config meta
// in base.html swaps 4xx answers). An answer without a fragment (no network, a server error,
// an error page) gets a message here, at the same place, in the page's language.
const REFUSAL = "hgj-refusal";

function showRefusal(elt, text) {
  const box = document.createElement("div");
  box.className = `alert alert-danger py-2 mt-2 mb-0 ${REFUSAL}`;
  box.setAttribute("role", "alert");
  box.tabIndex = -1;
  box.textContent = text;
  elt.after(box);
  box.focus();
}

function pageMessage(html) {
  const page = new DOMParser().parseFromString(html, "text/html");
  const message = page.querySelector("[data-refusal-message]");
  return message ? message.textContent.trim() : "";
}

// A new attempt replaces the message of the previous one.
document.addEventListener("htmx:beforeRequest", (event) => {
  const next = event.detail.elt.nextElementSibling;
  if (next && next.classList.contains(REFUSAL)) {
    next.remove();
  }
});

document.addEventListener("htmx:beforeSwap", (event) => {
  const { xhr, requestConfig } = event.detail;
  const wholePage = /^\s*<!doctype/i.test(xhr.responseText || "");
  if (xhr.status < 400 || (event.detail.shouldSwap && !wholePage)) {
    return;
  }
  event.detail.shouldSwap = false;
  const text = (wholePage && pageMessage(xhr.responseText)) || document.body.dataset.refusalServer;
  showRefusal(requestConfig.elt, text);
});

document.addEventListener("htmx:sendError", (event) => {
  if (!event.detail.elt.matches("[data-quiet-offline], [data-keep-offline]")) {
    showRefusal(event.detail.elt, document.body.dataset.refusalOffline);
  }
});

// Photos are shrunk on the phone before they are sent: a phone's photo is 3-10 MB, and on a
// poor connection that is the whole upload. Each image over SHRINK_BYTES is redrawn with its
// longer side at most SHRINK_SIDE px as a JPEG (which also drops its metadata, such as where
// it was taken); the server scales and checks every upload anyway (cases.uploads).
const SHRINK_SIDE = 1600;
const SHRINK_BYTES = 400 * 1024;

async function shrunk(file) {
  if (!file.type.startsWith("image/") || file.type === "image/gif" || file.size <= SHRINK_BYTES) {
    return file;
  }
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, SHRINK_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((done) => canvas.toBlob(done, "image/jpeg", 0.82));
    if (!blob || blob.size >= file.size) {
      return file;
    }
    return new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" });
  } catch {
    return file; // a format the browser cannot draw: sent as it is
  }
}

// A shot from the camera button (cases/widgets/photos.html, data-add-to) joins the photos
// already chosen in its photos input; a choice in the photos input replaces them, as usual.
document.addEventListener("change", async (event) => {
  const input = event.target;
  if (!input.matches("input[type=file][data-shrink], input[type=file][data-add-to]")) {
    return;
  }
  if (!window.DataTransfer) {
    return;
  }
  const photos = input.dataset.addTo ? document.getElementById(input.dataset.addTo) : input;
  photos.dataset.shrinking = "1";
  const files = new DataTransfer();
  if (photos !== input) {
    for (const file of photos.files) {
      files.items.add(file);
    }
  }
  for (const file of input.files) {
    files.items.add(await shrunk(file));
  }
  photos.files = files.files; // setting them fires no new change event
  if (photos !== input) {
    input.value = ""; // sent once, with the others
  }
  delete photos.dataset.shrinking;
});

// One task per screen in the elder mode: a form marked data-steps shows one of its
// [data-step] blocks at a time, with Back and Next, and its submit button on the last. A form
// that comes back with errors opens at the first step holding one; a form emptied (kept
// offline) starts again at the first.
function showStep(form, n) {
  const steps = [...form.querySelectorAll("[data-step]")];
  steps.forEach((step, i) => step.classList.toggle("hgj-step-current", i === n));
  form.querySelectorAll("[type=submit]").forEach((button) => {
    button.hidden = n !== steps.length - 1;
  });
  form.dataset.step = n;
  return steps[n];
}

function stepForms(root) {
  if (!document.documentElement.classList.contains("hgj-elder")) {
    return;
  }
  const forms = root.matches?.("form[data-steps]") ? [root] : root.querySelectorAll?.("form[data-steps]") || [];
  forms.forEach((form) => {
    const steps = [...form.querySelectorAll("[data-step]")];
    if (steps.length < 2 || form.classList.contains("hgj-stepped")) {
      return;
    }
    form.classList.add("hgj-stepped");
    form.querySelectorAll("[data-step-next], [data-step-back], [data-step-title]").forEach((e) => {
      e.hidden = false;
    });
    const failed = steps.findIndex((step) => step.querySelector(".text-danger, .is-invalid"));
    showStep(form, Math.max(failed, 0));
  });
}

document.addEventListener("htmx:load", (event) => stepForms(event.detail.elt));

document.addEventListener("click", (event) => {
  const move = event.target.closest("[data-step-next], [data-step-back]");
  const form = move?.closest("form.hgj-stepped");
  if (form) {
    const step = showStep(form, Number(form.dataset.step) + ("stepNext" in move.dataset ? 1 : -1));
    step.querySelector("[data-step-title]")?.focus();
    window.scrollTo(0, 0);
  }
});

document.addEventListener("reset", (event) => {
  if (event.target.matches("form.hgj-stepped")) {
    showStep(event.target, 0);
  }
});
