// Suggestions under the search box from /search/suggest/?format=json as the reader types: an
// ARIA combobox, not a <datalist>, because browsers list only the options holding the typed
// text, which pinyin (jtjj → 集体经济薄弱) and corrected slips never do. A case opens at once;
// a term is searched. Without JavaScript the box is an ordinary search form.
(function () {
  var form = document.querySelector("form[data-suggest-url]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var list = document.getElementById(input.getAttribute("aria-controls"));
  var items = [];
  var active = -1;
  var timer = null;
  var asked = "";
  var generation = 0;  // a reply asked for before the list last closed is dropped

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");

  function close() {
    clearTimeout(timer);
    generation += 1;
    asked = "";
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function mark(index) {
    active = index;
    Array.prototype.forEach.call(list.children, function (option, at) {
      option.setAttribute("aria-selected", at === index ? "true" : "false");
    });
    if (index < 0) input.removeAttribute("aria-activedescendant");
    else {
      input.setAttribute("aria-activedescendant", list.children[index].id);
      list.children[index].scrollIntoView({ block: "nearest" });
    }
  }

  function choose(index) {
    var item = items[index];
    close();
    if (item.url) {
      window.location.href = item.url;
    } else {
      input.value = item.label;
      form.submit();
    }
  }

  function show(suggestions) {
    items = suggestions;
    list.replaceChildren.apply(list, items.map(function (item, at) {
      var option = document.createElement("li");
      option.id = list.id + "-" + at;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      var label = document.createElement("span");
      label.textContent = item.label;
      var kind = document.createElement("span");
      kind.className = "suggest-list__kind";
      kind.textContent = item.kind;
      option.append(label, kind);
      return option;
    }));
    if (!items.length) return close();
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    mark(-1);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    if (!list.hidden) mark(-1);  // what was highlighted belonged to other words
    timer = setTimeout(function () {
      var typed = input.value.trim();
      if (!typed) return close();
      if (typed === asked) return;
      asked = typed;
      var asking = generation;
      fetch(form.dataset.suggestUrl + "?format=json&q=" + encodeURIComponent(typed))
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          var current = asking === generation && input.value.trim() === typed && document.activeElement === input;
          if (current) show(data.suggestions);
        })
        .catch(close);
    }, 200);
  });

  input.addEventListener("keydown", function (event) {
    // Enter and the arrows also pick the input method's candidates while pinyin is composed.
    if (event.isComposing || event.keyCode === 229 || list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      // The box itself (-1) sits between the last option and the first.
      var next = active + (event.key === "ArrowDown" ? 1 : -1);
      mark(next >= items.length ? -1 : next < -1 ? items.length - 1 : next);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape") {
      event.preventDefault();  // a search box clears itself on Escape: only the list goes
      close();
    }
  });

  // Pressing an option must not take the focus from the box before the click lands.
  list.addEventListener("pointerdown", function (event) { event.preventDefault(); });
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  list.addEventListener("click", function (event) {
    var option = event.target.closest("[role=option]");
    if (option) choose(Array.prototype.indexOf.call(list.children, option));
  });
  input.addEventListener("blur", close);
})();
