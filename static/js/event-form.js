// The event form shows every group without JavaScript; with it, the groups marked
// data-for-types are shown only for the chosen event type. Hidden groups keep their values.
(function () {
  "use strict";
  var form = document.getElementById("event-form");
  if (!form) { return; }
  var type = form.querySelector("select[name=type]");
  var groups = form.querySelectorAll("[data-for-types]");
  function update() {
    groups.forEach(function (group) {
      var shown = group.getAttribute("data-for-types").split(" ").indexOf(type.value) !== -1;
      // A group holding an error stays visible, so the message is never hidden.
      group.hidden = !shown && !group.querySelector(".field-error");
    });
  }
  type.addEventListener("change", update);
  update();
}());
