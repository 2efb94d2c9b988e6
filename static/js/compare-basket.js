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
