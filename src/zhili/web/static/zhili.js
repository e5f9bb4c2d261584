// Toasts for htmx: errors arrive as an HX-Trigger "zhili-toast" event or as a failed response.
(function () {
  function toast(message, level) {
    var box = document.getElementById("toasts");
    if (!box || !message) return;
    var el = document.createElement("div");
    el.className = "toast " + (level || "info");
    el.setAttribute("role", level === "error" ? "alert" : "status");
    el.textContent = message;
    box.appendChild(el);
    setTimeout(function () { el.remove(); }, 6000);
  }
  window.zhiliToast = toast;
  document.addEventListener("zhili-toast", function (evt) {
    toast(evt.detail && evt.detail.message, evt.detail && evt.detail.level);
  });
  document.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail.xhr;
    if (xhr && xhr.getResponseHeader("HX-Trigger")) return; // already shown by zhili-toast
    toast((xhr && xhr.responseText) || "请求失败，请稍后再试", "error");
  });
  document.addEventListener("htmx:sendError", function () { toast("网络连接失败，请检查网络后重试", "error"); });
})();
