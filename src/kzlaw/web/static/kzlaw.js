// kzlaw serve: a small improvement, never a dependency. Every page works without it.
// Picking a day from the "In force" form's calendar shows that day at once. Typing a date
// does not (each keystroke would change the day); the Show button stays for keyboards and for
// browsers without a date picker.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var input = document.querySelector('form.day[action="/"] input[type="date"]');
  if (!input || !input.form.requestSubmit) { return; }
  var typed = false;
  input.addEventListener("keydown", function () { typed = true; });
  input.addEventListener("pointerdown", function () { typed = false; });
  input.addEventListener("change", function () {
    if (!typed && input.value && input.checkValidity()) { input.form.requestSubmit(); }
  });
});
