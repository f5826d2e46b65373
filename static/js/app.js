// Progressive enhancement only: every page works without this file.

(function () {
  "use strict";

  // Show a talk's time in the visitor's own zone when it differs from the event's.
  function showLocalTimes() {
    var visitorZone;
    try {
      visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (error) {
      return;
    }
    if (!visitorZone) return;

    var times = document.querySelectorAll("time[datetime][data-zone]");
    Array.prototype.forEach.call(times, function (element) {
      var start = new Date(element.getAttribute("datetime"));
      var end = element.dataset.end ? new Date(element.dataset.end) : null;
      var eventZone = element.dataset.zone;
      if (isNaN(start.getTime()) || !eventZone) return;
      // Same wall-clock time (e.g. Paris for a Brussels talk): nothing to add.
      if (longDate(start, eventZone) + clock(start, eventZone) ===
          longDate(start, visitorZone) + clock(start, visitorZone)) return;

      var label = element.dataset.yourTime || "Your time:";
      var text = label + " " + longDate(start, visitorZone) + ", " + clock(start, visitorZone);
      if (end && !isNaN(end.getTime())) {
        if (longDate(end, visitorZone) !== longDate(start, visitorZone)) {
          text += " – " + longDate(end, visitorZone) + ",";
        } else {
          text += " –";
        }
        text += " " + clock(end, visitorZone);
      }
      text += " " + zoneName(start, visitorZone);

      var note = document.createElement("span");
      note.className = "your-time";
      note.textContent = text;
      element.insertAdjacentElement("afterend", note);
    });
  }

  // Dates as the page's language writes them; English as in Europe.
  function pageLocale() {
    var language = document.documentElement.lang || "en";
    return language === "en" ? "en-GB" : language;
  }

  function clock(date, zone) {
    return new Intl.DateTimeFormat(pageLocale(), {
      timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).format(date);
  }

  function longDate(date, zone) {
    return new Intl.DateTimeFormat(pageLocale(), {
      timeZone: zone, day: "numeric", month: "long", year: "numeric"
    }).format(date);
  }

  function zoneName(date, zone) {
    var parts = new Intl.DateTimeFormat(pageLocale(), {
      timeZone: zone, timeZoneName: "short"
    }).formatToParts(date);
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].type === "timeZoneName") return parts[i].value;
    }
    return zone;
  }

  // A form sent back with errors: move the focus to its summary, so a screen
  // reader reads it out and the keyboard starts from its links to the fields.
  function focusErrorSummary() {
    var summary = document.querySelector(".form-errors[tabindex]");
    if (summary) summary.focus();
  }

  function start() {
    showLocalTimes();
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
