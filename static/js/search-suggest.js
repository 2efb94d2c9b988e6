// Fills the search box's <datalist> from /search/suggest/?format=json as the reader types.
// Without JavaScript the box is an ordinary search form.
(function () {
  var form = document.querySelector("form[data-suggest-url]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var typed = input.value.trim();
      if (!typed || typed === last) return;
      last = typed;
      fetch(form.dataset.suggestUrl + "?format=json&q=" + encodeURIComponent(typed))
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          list.replaceChildren.apply(list, data.suggestions.map(function (item) {
            var option = document.createElement("option");
            option.value = item.label;
            option.label = item.kind;
            return option;
          }));
        })
        .catch(function () {});
    }, 200);
  });
})();
