// Print, share and copy-link buttons (shown only when this script runs; the pages' CSP allows no
// inline handlers). Without a clipboard (an insecure origin, an old WeChat), the link is
// offered in a prompt to copy by hand.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
// The system's share sheet, where the browser has one (phones; not WeChat's own browser, whose
// ··· menu shares instead).
if (navigator.share) {
  document.querySelectorAll("[data-share]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.share({ title: button.dataset.shareTitle, url: button.dataset.share }).catch(() => {});
    });
  });
}
document.querySelectorAll("[data-copy-link]").forEach((button) => {
  const url = button.dataset.copyLink;
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener("click", () => {
    const done = () => {
      button.textContent = "链接已复制";
      setTimeout(() => { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, () => window.prompt("复制本页链接：", url));
    } else {
      window.prompt("复制本页链接：", url);
    }
  });
});
