// Small behaviours for every page. Inline scripts are blocked by the content security policy.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// <button data-print> prints the page (notice sheets, refusal notices).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// <select data-autosubmit> submits its form when changed (e.g. township → its villages).
document.addEventListener("change", function (event) {
  var select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) {
    var village = select.form.querySelector("[name=village]");
    if (village) {
      village.value = "";
    }
    select.form.submit();
  }
});

// A form sent by POST goes once: a second click (or Enter) while the first is on its way is
// ignored, so a double click does not register the same training, visit or record twice. A form
// whose answer is a download leaves the page in place: it can be sent again after a few seconds.
// htmx sends its own forms (hx-post) and is left alone. The services still refuse what must be
// unique; this spares the user the duplicate where nothing makes it one.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post" || form.hasAttribute("hx-post")) {
    return;
  }
  if (form.hasAttribute("data-sending")) {
    event.preventDefault();
    return;
  }
  form.setAttribute("data-sending", "");
  window.setTimeout(function () {
    form.removeAttribute("data-sending");
  }, 5000);
});

// Back to a page kept by the browser (the back button): its forms can be sent again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sending]").forEach(function (form) {
    form.removeAttribute("data-sending");
  });
});

// A link to a folded section (<details id="form-…">, e.g. an organisation's actions) unfolds it,
// from a button on the page or from an address that names it.
function unfoldDetails(id) {
  var target = id && document.getElementById(id);
  if (target && target.tagName === "DETAILS") {
    target.open = true;
  }
}
document.addEventListener("click", function (event) {
  var link = event.target.closest('a[href^="#"]');
  if (link) {
    unfoldDetails(decodeURIComponent(link.getAttribute("href").slice(1)));
  }
});
document.addEventListener("DOMContentLoaded", function () {
  unfoldDetails(decodeURIComponent(window.location.hash.slice(1)));
});
