// Review queue: keyboard shortcuts and the running total of the ticked invoices.
(function () {
  function total() {
    var form = document.getElementById("review-form");
    if (!form) return;
    var sum = 0;
    form.querySelectorAll('input[name="invoice"]:checked').forEach(function (box) {
      var typed = form.querySelector('input[name="amount-' + box.value + '"]');
      var value = typed && typed.value.trim() ? typed.value.replace(",", ".") : box.dataset.open;
      sum += Math.round(parseFloat(value) * 100);
    });
    var out = document.getElementById("selected-total");
    if (out) out.textContent = (sum / 100).toFixed(2);
  }
  function submit(action) {
    var form = document.getElementById("review-form");
    var button = form && form.querySelector('button[value="' + action + '"]');
    if (button) button.click();
  }
  document.addEventListener("change", total);
  document.addEventListener("input", total);
  document.addEventListener("htmx:afterSwap", total);
  document.addEventListener("DOMContentLoaded", total);
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" && event.target.type !== "checkbox") return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key >= "1" && event.key <= "9") {
      var boxes = document.querySelectorAll('#review-form input[name="invoice"]');
      var box = boxes[parseInt(event.key, 10) - 1];
      if (box) { box.checked = !box.checked; total(); event.preventDefault(); }
    } else if (event.key === "a") { submit("accept"); event.preventDefault(); }
    else if (event.key === "r") { submit("reject"); event.preventDefault(); }
    else if (event.key === "n") { submit("skip"); event.preventDefault(); }
  });
})();
