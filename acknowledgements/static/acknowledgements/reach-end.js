// Reaching the end (SignOffRule.require_reaching_end): where JavaScript runs,
// the tick box and the Sign button wait until the end of the policy's text
// has been on screen. Without JavaScript nothing is disabled: the box is
// after the text anyway.
(function () {
  "use strict";
  var form = document.querySelector("form[data-reach-end]");
  var end = document.querySelector("[data-end-of-text]");
  if (!form || !end || !("IntersectionObserver" in window)) {
    return;
  }
  var controls = form.querySelectorAll("input[type=checkbox], button[type=submit]");
  controls.forEach(function (control) { control.disabled = true; });
  var observer = new IntersectionObserver(function (entries) {
    if (entries.some(function (entry) { return entry.isIntersecting; })) {
      controls.forEach(function (control) { control.disabled = false; });
      var note = document.getElementById("reach-end-note");
      if (note) { note.textContent = "You have reached the end of the policy: you can now confirm."; }
      observer.disconnect();
    }
  });
  observer.observe(end);
})();
