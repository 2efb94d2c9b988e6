// 导入案例: a paste over the server's limit is refused here, before sending, so that the text
// stays in the box (past the limit the server cannot read the form back).
document.addEventListener("submit", (event) => {
  const box = event.target.querySelector("textarea[data-max-bytes]");
  if (!box) return;
  const notice = event.target.querySelector("[data-paste-refused]");
  // Counted as sent: a browser sends a text box's line ends as \r\n.
  const sent = new TextEncoder().encode(box.value.replace(/\r?\n/g, "\r\n")).length;
  const tooBig = sent > Number(box.dataset.maxBytes);
  notice.hidden = !tooBig;
  notice.textContent = tooBig ? box.dataset.tooBig : "";
  if (tooBig) {
    event.preventDefault();
    box.focus();
  }
});
