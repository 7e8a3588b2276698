// Partner inputs of forms: when the page could not list every partner's name (its <datalist> carries
// data-suggest), fill the list with the names matching what is typed, from the suggestion address.
(function () {
  "use strict";
  var timers = new WeakMap();

  function suggest(input, list) {
    var text = input.value.trim();
    if (text.length < 2) {
      return;
    }
    var url = list.dataset.suggest + "?q=" + encodeURIComponent(text);
    fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {names: []}; })
      .then(function (data) {
        if (input.value.trim() !== text) {
          return;  // an older answer: something else has been typed since
        }
        list.replaceChildren.apply(list, data.names.map(function (name) {
          var option = document.createElement("option");
          option.value = name;
          return option;
        }));
      })
      .catch(function () {});
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    var list = input.list;
    if (!list || !list.dataset.suggest) {
      return;
    }
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { suggest(input, list); }, 150));
  });
})();
