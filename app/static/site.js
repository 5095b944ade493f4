/* The site's only script (the Content-Security-Policy allows no inline script or on* handler).
   Every page works without it; it adds three conveniences:
   - a button with data-confirm="..." asks first, and does nothing when the answer is no;
   - a button with data-print prints the page. */
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm], [data-print]");
  if (!button) {
    return;
  }
  if (button.hasAttribute("data-print")) {
    event.preventDefault();
    window.print();
  } else if (!window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

/* An element with data-refresh-after="N" reloads the page after N seconds (the QR check-in
   screen, whose code expires): a script instead of <meta refresh>, which moves the page under
   a screen reader without warning. */
(function () {
  var holder = document.querySelector("[data-refresh-after]");
  if (!holder) {
    return;
  }
  var seconds = parseInt(holder.getAttribute("data-refresh-after"), 10);
  if (seconds > 0) {
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
