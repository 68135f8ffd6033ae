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
