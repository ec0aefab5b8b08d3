/* Chợ Số pages: small enhancements only; every page works without this file. */
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }

  // A search box above a long <select data-filter="…">: shows the matching options only.
  function filterSelects() {
    document.querySelectorAll("select[data-filter]").forEach(function (select) {
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "search";
      box.id = select.id + "-filter";
      label.htmlFor = box.id;
      label.className = "hint";
      label.textContent = select.getAttribute("data-filter");
      box.setAttribute("aria-controls", select.id);
      box.autocomplete = "off";
      select.parentNode.insertBefore(label, select);
      select.parentNode.insertBefore(box, select);
      var options = Array.prototype.slice.call(select.options);
      box.addEventListener("input", function () {
        var term = fold(box.value);
        var first = null;
        options.forEach(function (option) {
          var show = !option.value || !term || fold(option.text + " " + option.value).indexOf(term) >= 0;
          option.hidden = !show;
          option.disabled = !show;
          if (show && option.value && !first) { first = option; }
        });
        var current = select.options[select.selectedIndex];
        if (term && first && (!current || !current.value || current.hidden)) {
          select.value = first.value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    });
  }

  // Drafts: a form with data-draft="key" is saved while typing and restored after a reload.
  function drafts() {
    var storage;
    try { storage = window.localStorage; } catch (e) { return; }
    if (!storage) { return; }
    document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
      storage.removeItem("draft:" + el.getAttribute("data-clear-draft"));
    });
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      var key = "draft:" + form.getAttribute("data-draft");
      var fields = Array.prototype.filter.call(form.elements, function (el) {
        return el.name && el.name !== "csrf_token" && el.type !== "password" && el.type !== "hidden" &&
          el.type !== "submit" && el.type !== "search";
      });
      // Restore only into a blank form (the server's re-rendered form, already filled in, wins); a list
      // that comes pre-chosen (the only market of the area) does not count as typing.
      var empty = fields.every(function (el) {
        return el.tagName === "SELECT" || el.type === "checkbox" || !el.value;
      });
      var saved = null;
      try { saved = JSON.parse(storage.getItem(key) || "null"); } catch (e) { saved = null; }
      if (saved && empty) {
        fields.forEach(function (el) {
          if (!(el.name in saved)) { return; }
          if (el.type === "checkbox") { el.checked = saved[el.name] === true; } else { el.value = saved[el.name]; }
        });
        var note = form.querySelector("[data-draft-note]");
        if (note) { note.hidden = false; }
      }
      function save() {
        var data = {};
        fields.forEach(function (el) { data[el.name] = el.type === "checkbox" ? el.checked : el.value; });
        try { storage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full: typing is kept by the page */ }
      }
      form.addEventListener("input", save);
      form.addEventListener("change", save);
    });
  }

  function printAndShare() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("[data-share]").forEach(function (button) {
      if (!navigator.share) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var url = new URL(button.getAttribute("data-share"), window.location.href).href;
        navigator.share({ title: document.title, url: url }).catch(function () { /* the user closed the sheet */ });
      });
    });
  }

  function ready() {
    filterSelects();
    drafts();
    printAndShare();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
