// Show a question that depends on an earlier answer only once that answer is given.
// The server decides the same way from what is submitted; this only saves the person
// reading questions that do not concern them. A hidden question's inputs are disabled,
// so they are not sent.
(function () {
  "use strict";

  function chosen(form, name) {
    var values = [];
    var inputs = form.querySelectorAll("[name='" + name + "']");
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.disabled) {
        return;
      }
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) {
          values.push(input.value);
        }
      } else if (input.value) {
        values.push(input.value);
      }
    });
    return values;
  }

  function update(form) {
    // In form order, so a question depending on a hidden one is hidden too.
    var blocks = form.querySelectorAll("[data-shown-if]");
    Array.prototype.forEach.call(blocks, function (block) {
      var wanted = JSON.parse(block.getAttribute("data-shown-if-answers") || "[]");
      var given = chosen(form, block.getAttribute("data-shown-if"));
      var shown = given.some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
      block.hidden = !shown;
      Array.prototype.forEach.call(block.querySelectorAll("input, select, textarea"), function (input) {
        input.disabled = !shown;
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    if (!form.querySelector("[data-shown-if]")) {
      return;
    }
    update(form);
    form.addEventListener("change", function () {
      update(form);
    });
  });
})();
