/* The site's only script (the Content-Security-Policy allows no inline script or on* handler).
   Every page works without it; it adds two conveniences:
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
