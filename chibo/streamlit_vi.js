// Streamlit's own words, in Vietnamese. Streamlit has no way to translate the texts it draws itself (the file
// uploader, the choosers' placeholders, a form's hint, "Page not found"); this watches the page and replaces them as
// they appear. Installed once per browser tab: every rerun draws the element again, the guard keeps one observer.
(function () {
  const mark = document.getElementById("chibo-vi");  // this script's own element: no room on the page
  const box = mark && mark.closest("[data-testid='stElementContainer']");
  if (box) box.style.display = "none";
  // The signed-in user's first page is served at "/" and Streamlit no longer knows it by its own name: asked for
  // by that name (a bookmark, a link from another role's screen) it is the page that runs, so «not found» is wrong.
  window.__chiboHome = mark ? mark.dataset.home || "" : "";
  if (window.__chiboVietnamese) return;
  window.__chiboVietnamese = true;
  const closeIfHome = (node) => {
    // The address the browser opened (Streamlit has already rewritten the shown one to "/").
    const opened = (performance.getEntriesByType("navigation")[0] || {}).name || window.location.href;
    const asked = new URL(opened).pathname.replace(/\/+$/, "").split("/").pop();
    if (!window.__chiboHome || asked !== window.__chiboHome) return false;
    const dialog = node.closest ? node.closest("[role='dialog']") : null;
    const close = dialog && dialog.querySelector("button[aria-label='Close'], button[aria-label='Đóng']");
    if (close) close.click();
    return Boolean(close);
  };
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
    ["Toggle fullscreen", "Toàn màn hình"],
    ["Show data", "Xem số liệu"],
    ["Show chart", "Xem biểu đồ"],
    ["Download as PNG", "Tải ảnh PNG"],
    ["Clear selection", "Bỏ chọn"],
    ["Show/hide columns", "Ẩn/hiện cột"],
    ["Copy to clipboard", "Sao chép"],
    ["Copy Vega-Lite spec", "Sao chép mô tả biểu đồ (Vega-Lite)"],
    ["Close fullscreen", "Thoát toàn màn hình"],
    ["Download as CSV", "Tải về dạng CSV"],
    ["Search", "Tìm"],
    ["Show password text", "Hiện mật khẩu"],
    ["Hide password text", "Ẩn mật khẩu"],
    ["File type not allowed.", "Loại tệp này không được nhận."],
    ["Error:", "Lỗi:"],
    ["Add files", "Thêm tệp"],
    ["file upload", "tải tệp lên"],
  ]);
  const patterns = [
    [/^Help for (.*)$/, (m) => `Giải thích: ${m[1]}`],
    [/^Limit (\d+)\s?MB per file(.*)$/, (m) => `Tối đa ${m[1]} MB mỗi tệp${m[2]}`],
    [/^(\d+)\s?MB per file(.*)$/, (m) => `Tối đa ${m[1]} MB mỗi tệp${m[2]}`],
    // An uploaded file's size as the uploader writes it («139.0B», «1.5MB»): a decimal comma, a space, no «,0».
    [/^(\d+)\.(\d)\s?(B|KB|MB|GB)$/, (m) => `${m[1]}${m[2] === "0" ? "" : "," + m[2]} ${m[3]}`],
    [/^File is too large\. Maximum size is (\d+) bytes\.$/,
      (m) => `Tệp quá lớn: mỗi tệp tối đa ${Math.round(Number(m[1]) / 1048576)} MB; tệp này không được gửi.`],
    [/^File must be ([\d.]+)\s?MB or smaller\.$/,
      (m) => `Tệp quá lớn: mỗi tệp tối đa ${String(Number(m[1])).replace(".", ",")} MB; tệp này không được gửi.`],
    [/^.* files are not allowed\.$/, () => "Loại tệp này không được nhận; tệp này không được gửi."],
    [/^Remove (.+)$/, (m) => `Bỏ ${m[1]}`],
    [/^You have requested page \/(.*), but no corresponding file was found in the app's pages\/? directory\. Running the app's main page\.$/,
      () => "Địa chỉ này không phải một trang của đồng chí; chibo mở trang chính."],
    [/^The page that you have requested does not seem to exist\. Running the app's main page\.$/,
      () => "Địa chỉ này không phải một trang của đồng chí; chibo mở trang chính."],
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
  // A file the uploader refuses (too big, another kind) keeps its reason for screen readers only: shown under its
  // name, so whoever chose it reads why it will not be sent.
  const style = document.createElement("style");
  style.textContent = `[data-testid="stFileChip"][aria-invalid="true"] [role="alert"] {
    position: static !important; width: auto !important; height: auto !important; margin: 0 !important;
    clip: auto !important; clip-path: none !important; overflow: visible !important; white-space: normal !important;
    display: block !important; color: #b71c1c; font-size: 0.8rem; }`;
  document.head.appendChild(style);
  // The date picker's calendar (react-aria, drawn in en-US whatever the page's language): month names, the
  // weekday row (Sunday first) and its buttons. Only inside the calendar, where a bare "May" or "T" is its own.
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December"];
  const WEEKDAYS = ["CN", "T2", "T3", "T4", "T5", "T6", "T7"];
  patterns.push([new RegExp(`^(?:Choose date, )?(${MONTHS.join("|")}) (\\d{4})$`),
                 (m) => `Tháng ${MONTHS.indexOf(m[1]) + 1}/${m[2]}`]);
  exact.set("Previous month", "Tháng trước");
  exact.set("Next month", "Tháng sau");
  exact.set("Use arrow keys to navigate dates. Enter to select. Escape to close.",
            "Dùng phím mũi tên để chọn ngày, Enter để chọn, Esc để đóng.");
  const inCalendar = (element) => Boolean(element && element.closest &&
    element.closest("[data-rac], [role='listbox'], [role='option'], .react-aria-CalendarGridHeader"));
  const calendarWord = (node) => {
    const element = node.parentElement;
    const text = (node.nodeValue || "").trim();
    if (!inCalendar(element)) return null;
    const month = MONTHS.indexOf(text);
    if (month >= 0) return `Tháng ${month + 1}`;
    const header = element.closest("th");
    if (header && header.closest(".react-aria-CalendarGridHeader") && /^[SMTWF]$/.test(text)) {
      return WEEKDAYS[header.cellIndex] || null;
    }
    return null;
  };
  const translateNode = (node) => {
    const vi = calendarWord(node) ?? translate(node.nodeValue || "");
    if (vi !== null && vi !== node.nodeValue) node.nodeValue = vi;
  };
  const ATTRIBUTES = ["placeholder", "aria-label", "title"];
  const visit = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if ((node.nodeValue || "").trim() === "Page not found" && closeIfHome(node.parentElement)) return;
      translateNode(node);
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
        translateNode(change.target);
      } else if (change.type === "attributes") {
        visit(change.target);
      }
      for (const node of change.addedNodes || []) {
        if (node.nodeType === Node.TEXT_NODE) {
          translateNode(node);
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
