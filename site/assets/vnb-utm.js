/* Virage numérique bleu — campaign tags (utm_source, utm_campaign) of the address a visitor
 * landed on, kept for the browser tab (sessionStorage) so they survive navigation, and put
 * into the registration form's hidden fields: the newsroom promises the form records them.
 * Loaded on every page (the landing page can be any page); no cookie, nothing sent elsewhere.
 */
(function () {
  "use strict";

  var NAMES = ["utm_source", "utm_campaign"];
  var MAX_LENGTH = 100; // what the API keeps (handlers/models.py)

  function store() {
    try {
      return window.sessionStorage;
    } catch (blocked) {
      return null; // storage disabled: the tags of this page only
    }
  }

  var storage = store();
  var params = new URLSearchParams(window.location.search);
  var tags = {};
  NAMES.forEach(function (name) {
    var value = (params.get(name) || "").trim().slice(0, MAX_LENGTH);
    if (value && storage) storage.setItem("vnb." + name, value);
    tags[name] = value || (storage && storage.getItem("vnb." + name)) || "";
  });

  function fill() {
    NAMES.forEach(function (name) {
      document.querySelectorAll('form input[type="hidden"][name="' + name + '"]').forEach(
        function (input) {
          if (tags[name] && !input.value) input.value = tags[name];
        }
      );
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fill);
  } else {
    fill();
  }
})();
