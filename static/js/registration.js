// Fill the registration form's hidden time zone field with the browser's IANA zone,
// so emails can show the talk's time in the attendee's own zone. Optional: the
// form works the same without it.
(function () {
  "use strict";
  var field = document.getElementById("timezone");
  if (!field || field.value) {
    return;
  }
  try {
    field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    field.value = "";
  }
})();
