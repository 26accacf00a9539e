/* Virage numérique bleu — campaign tags (utm_source, utm_campaign) into the registration
 * form's hidden fields: the newsroom promises the form records them. The page's inline
 * script (partials/vnb-inline.html) kept the landing address's tags for the browser tab
 * (sessionStorage) so they survive navigation; this script, named on every page and loaded
 * after the first paint, fills the fields from the address's tags, else the tab's. No
 * cookie, nothing sent elsewhere.
 */
(function () {
  "use strict";

  var NAMES = ["utm_source", "utm_campaign"];
  var MAX_LENGTH = 100; // what the API keeps (forms_api/handlers/models.py)

  function kept(name) {
    try {
      return window.sessionStorage.getItem("vnb." + name) || "";
    } catch (blocked) {
      return ""; // storage disabled: the tags of this page only
    }
  }

  var params = new URLSearchParams(window.location.search);
  NAMES.forEach(function (name) {
    var tag = (params.get(name) || "").trim().slice(0, MAX_LENGTH) || kept(name);
    if (!tag) return;
    document.querySelectorAll('form input[type="hidden"][name="' + name + '"]').forEach(
      function (input) {
        if (!input.value) input.value = tag;
      }
    );
  });
})();
