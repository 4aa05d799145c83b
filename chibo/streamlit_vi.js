// Streamlit's own words, in Vietnamese. Streamlit has no way to translate the texts it draws itself (the file
// uploader, the choosers' placeholders, a form's hint, "Page not found"); this watches the page and replaces them as
// they appear. Installed once per browser tab: every rerun draws the element again, the guard keeps one observer.
(function () {
  const mark = document.getElementById("chibo-vi");  // this script's own element: no room on the page
  const box = mark && mark.closest("[data-testid='stElementContainer']");
  if (box) box.style.display = "none";
  if (window.__chiboVietnamese) return;
  window.__chiboVietnamese = true;
  const exact = new Map([
    ["Drag and drop file here", "Kéo thả tệp vào đây"],
    ["Drag and drop files here", "Kéo thả các tệp vào đây"],
    ["Browse files", "Chọn tệp"],
    ["Upload", "Tải lên"],
    ["Select...", "Chọn…"],
    ["Choose an option", "Chọn một mục"],
    ["Choose options", "Chọn các mục"],
    ["No results", "Không có kết quả"],
    ["No options to select.", "Không có mục nào để chọn."],
    ["Page not found", "Không tìm thấy trang"],
    ["The page that you have requested does not seem to exist. Running the app's main page.",
      "Trang được yêu cầu không có; chibo mở trang chính."],
    ["Stop", "Dừng"],
    ["Running...", "Đang chạy…"],
    ["Press Enter to apply", "Nhấn Enter để áp dụng"],
    ["Press Enter to submit form", "Nhấn Enter để gửi"],
    ["Press Ctrl+Enter to apply", "Nhấn Ctrl+Enter để áp dụng"],
    ["Press ⌘+Enter to apply", "Nhấn ⌘+Enter để áp dụng"],
    ["Press Ctrl+Enter to submit form", "Nhấn Ctrl+Enter để gửi"],
    ["Press ⌘+Enter to submit form", "Nhấn ⌘+Enter để gửi"],
    ["Clear all", "Xóa hết"],
    ["Clear value", "Xóa"],
    ["Fullscreen", "Toàn màn hình"],
    ["Close fullscreen", "Thoát toàn màn hình"],
    ["Download as CSV", "Tải về dạng CSV"],
    ["Search", "Tìm"],
    ["Show password text", "Hiện mật khẩu"],
    ["Hide password text", "Ẩn mật khẩu"],
  ]);
  const patterns = [
    [/^Help for (.*)$/, (m) => `Giải thích: ${m[1]}`],
    [/^Limit (\d+)\s?MB per file(.*)$/, (m) => `Tối đa ${m[1]} MB mỗi tệp${m[2]}`],
    [/^(\d+)\s?MB per file(.*)$/, (m) => `Tối đa ${m[1]} MB mỗi tệp${m[2]}`],
    [/^You have requested page \/(.*), but no corresponding file was found in the app's pages directory\. Running the app's main page\.$/,
      () => "Trang được yêu cầu không có; chibo mở trang chính."],
  ];
  const translate = (text) => {
    const trimmed = text.trim();
    if (exact.has(trimmed)) return text.replace(trimmed, exact.get(trimmed));
    for (const [pattern, make] of patterns) {
      const found = trimmed.match(pattern);
      if (found) return text.replace(trimmed, make(found));
    }
    return null;
  };
  const ATTRIBUTES = ["placeholder", "aria-label", "title"];
  const visit = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const vi = translate(node.nodeValue || "");
      if (vi !== null) node.nodeValue = vi;
    }
    const elements = root.querySelectorAll ? [root, ...root.querySelectorAll("[placeholder],[aria-label],[title]")] : [];
    for (const element of elements) {
      for (const name of ATTRIBUTES) {
        const value = element.getAttribute && element.getAttribute(name);
        const vi = value && translate(value);
        if (vi) element.setAttribute(name, vi);
      }
    }
  };
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === "characterData") {
        const vi = translate(change.target.nodeValue || "");
        if (vi !== null) change.target.nodeValue = vi;
      } else if (change.type === "attributes") {
        visit(change.target);
      }
      for (const node of change.addedNodes || []) {
        if (node.nodeType === Node.TEXT_NODE) {
          const vi = translate(node.nodeValue || "");
          if (vi !== null) node.nodeValue = vi;
        } else if (node.nodeType === Node.ELEMENT_NODE) {
          visit(node);
        }
      }
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                            attributeFilter: ATTRIBUTES});
  visit(document.body);
  // A number box is the browser's own and reads only a decimal point: a comma typed there as Vietnamese write
  // decimals would be dropped («4,5» becomes 45). It is typed as the point instead.
  document.addEventListener("keydown", (event) => {
    const box = event.target;
    if (event.key === "," && box instanceof HTMLInputElement && box.type === "number") {
      event.preventDefault();
      document.execCommand("insertText", false, ".");
    }
  }, true);
})();
