// The case library's checkboxes: once as many are ticked as can be compared, the others wait
// (without this script the comparison page keeps the first that many and says which it left out).
(() => {
  const form = document.querySelector("form[data-compare-max]");
  if (!form) return;
  const max = Number(form.dataset.compareMax);
  const boxes = [...document.querySelectorAll("input[type=checkbox][form]")].filter((box) => box.form === form);
  const update = () => {
    const full = boxes.filter((box) => box.checked).length >= max;
    boxes.forEach((box) => {
      if (!box.checked) box.disabled = full;
    });
  };
  boxes.forEach((box) => box.addEventListener("change", update));
  update();
})();

// 加入对比 adds to the cases compared last in this browser instead of starting again; without
// this script (or storage) the link compares the one case, as before.
(() => {
  const KEY = "compare-cases";
  let stored = null;
  try {
    const shown = document.querySelector("[data-compare-current]");
    if (shown) {
      const cases = shown.dataset.compareCurrent.split(",").filter(Boolean);
      localStorage.setItem(KEY, JSON.stringify({ cases, max: Number(shown.dataset.compareMax) }));
    }
    stored = JSON.parse(localStorage.getItem(KEY) || "null");
  } catch (error) {
    return; // storage refused (private mode, a locked-down browser): the links work as written
  }
  if (!stored || !Array.isArray(stored.cases) || !(stored.max > 0)) return;
  document.querySelectorAll("a[data-compare-add]").forEach((link) => {
    link.addEventListener("click", () => {
      const slug = link.dataset.compareAdd;
      const cases = [...stored.cases.filter((other) => other !== slug), slug].slice(-stored.max);
      link.href = "/compare/?cases=" + cases.map(encodeURIComponent).join(",");
    });
  });
})();
